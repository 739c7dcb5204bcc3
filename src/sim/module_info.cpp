// Identifies the module inside the combined library (placeholder until the module has sources of its own).
namespace schedkit::sim {
const char* ModuleName() { return "sim"; }
}  // namespace schedkit::sim
