// The libtorch adapter against a real torch::optim::SGD (built only when CMake finds libtorch).
#include "schedkit/train/torch_adapter.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace schedkit::train {
namespace {

TEST(TrainTorchAdapter, StepLRDrivesSgdParamGroups) {
  auto w = torch::zeros({2}, torch::requires_grad());
  auto b = torch::zeros({1}, torch::requires_grad());
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{w}, std::make_unique<torch::optim::SGDOptions>(0.1));
  groups.emplace_back(std::vector<torch::Tensor>{b}, std::make_unique<torch::optim::SGDOptions>(0.01));
  torch::optim::SGD sgd(std::move(groups), torch::optim::SGDOptions(0.1));
  torch_adapter::Scheduler sched(
      sgd, [](pytorch::OptimizerPtr g) { return std::make_unique<pytorch::StepLR>(g, 2, 0.5); });
  sched.step();
  sched.step();
  EXPECT_DOUBLE_EQ(sgd.param_groups()[0].options().get_lr(), 0.05);
  EXPECT_DOUBLE_EQ(sgd.param_groups()[1].options().get_lr(), 0.005);
}

TEST(TrainTorchAdapter, OneCycleCyclesSgdMomentum) {
  auto w = torch::zeros({2}, torch::requires_grad());
  torch::optim::SGD sgd(std::vector<torch::Tensor>{w}, torch::optim::SGDOptions(0.1).momentum(0.9));
  torch_adapter::Scheduler sched(sgd, [](pytorch::OptimizerPtr g) {
    pytorch::OneCycleLROptions o;
    o.max_lr = {1.0};
    o.total_steps = 10;
    return std::make_unique<pytorch::OneCycleLR>(g, o);
  });
  EXPECT_NEAR(sgd.param_groups()[0].options().get_lr(), 0.04, 1e-15);  // max_lr / div_factor
  auto& opts = static_cast<torch::optim::SGDOptions&>(sgd.param_groups()[0].options());
  EXPECT_NEAR(opts.momentum(), 0.95, 1e-15);
  sched.step();
  EXPECT_LT(opts.momentum(), 0.95);
}

TEST(TrainTorchAdapter, PlateauReducesTheTorchLr) {
  auto w = torch::zeros({2}, torch::requires_grad());
  torch::optim::SGD sgd(std::vector<torch::Tensor>{w}, torch::optim::SGDOptions(1.0));
  pytorch::ReduceLROnPlateauOptions o;
  o.patience = 0;
  o.factor = 0.5;
  torch_adapter::PlateauScheduler sched(sgd, o);
  sched.step(1.0);
  sched.step(1.0);
  EXPECT_DOUBLE_EQ(sgd.param_groups()[0].options().get_lr(), 0.5);
}

}  // namespace
}  // namespace schedkit::train
