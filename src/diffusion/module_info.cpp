// Identifies the module inside the combined library (placeholder until the module has sources of its own).
namespace schedkit::diffusion {
const char* ModuleName() { return "diffusion"; }
}  // namespace schedkit::diffusion
