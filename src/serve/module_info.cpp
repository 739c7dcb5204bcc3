// Identifies the module inside the combined library (placeholder until the module has sources of its own).
namespace schedkit::serve {
const char* ModuleName() { return "serve"; }
}  // namespace schedkit::serve
