// Identifies the module inside the combined library (placeholder until the module has sources of its own).
namespace schedkit::graph {
const char* ModuleName() { return "graph"; }
}  // namespace schedkit::graph
