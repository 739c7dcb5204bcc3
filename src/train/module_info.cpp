// Identifies the module inside the combined library (placeholder until the module has sources of its own).
namespace schedkit::train {
const char* ModuleName() { return "train"; }
}  // namespace schedkit::train
