// Writing a DAG schedule as CSV, JSON or a Gantt chart.
#pragma once

#include <string>

#include "schedkit/graph/dag_schedule.h"
#include "schedkit/graph/gantt_svg.h"

namespace schedkit::graph {

// Columns: task_id,task,processor,start,finish
std::string DagScheduleCsv(const Problem& problem, const DagSchedule& schedule);
// {"graph", "algorithm", "makespan", "processors": [...], "tasks": [{id, name, processor, start, finish}]}
std::string DagScheduleJson(const Problem& problem, const DagSchedule& schedule);
GanttChart DagGantt(const Problem& problem, const DagSchedule& schedule);

}  // namespace schedkit::graph
