// Bundled model and GPU catalogues (data/models/catalogue.json, data/gpus/gpus.json) and files given by
// path, behind FindModel / FindGpu (hardware.cpp checks its built-in Vidur entries first).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schedkit/sim/hardware.h"

namespace schedkit::sim {

// nullptr when `name` is neither a catalogue name/alias nor a file path; throws schedkit::Error for a file
// or catalogue entry it cannot read. Results are cached; references stay valid for the program's life.
const ModelSpec* FindCatalogueModel(std::string_view name);
const GpuSpec* FindCatalogueGpu(std::string_view name);
std::vector<std::string> CatalogueModelNames();
std::vector<std::string> CatalogueGpuNames();
std::string CatalogueModelsPath();
std::string CatalogueGpusPath();

}  // namespace schedkit::sim
