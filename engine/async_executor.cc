#include "engine/async_executor.h"

#include <string>
#include <utility>

#include "engine/command_validation.h"

namespace hotline::engine {
namespace {

// Commands that read or write more than their own ticket's stream.
bool RunsAlone(const hotline::v1::Command& command) {
  return IsDirectoryCommand(command) || command.has_merge() ||
         command.has_erase_personal_data();
}

}  // namespace

AsyncExecutor::AsyncExecutor(Engine* engine, AsyncExecutorOptions options)
    : engine_(engine), options_(options) {
  const int threads = options_.threads > 0 ? options_.threads : 1;
  for (int i = 0; i < threads; ++i) lanes_.push_back(std::make_unique<Lane>());
  for (auto& lane : lanes_) threads_.emplace_back([this, l = lane.get()] { Run(l); });
}

AsyncExecutor::~AsyncExecutor() {
  Drain();
  for (auto& lane : lanes_) {
    absl::MutexLock lock(&lane->mu);
    lane->stop = true;
  }
  for (std::thread& t : threads_) t.join();
}

void AsyncExecutor::Submit(hotline::v1::Command command, Callback done) {
  if (RunsAlone(command)) {
    Drain();
    done(engine_->Execute(command));
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &AsyncExecutor::HasRoom));
    ++in_flight_;
  }
  Lane* lane = lanes_[std::hash<std::string>{}(command.ticket_id()) % lanes_.size()].get();
  absl::MutexLock lock(&lane->mu);
  lane->tasks.push_back({std::move(command), std::move(done)});
}

void AsyncExecutor::Drain() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &AsyncExecutor::Idle));
}

bool AsyncExecutor::HasRoom() const {
  return in_flight_ < (options_.max_in_flight > 0 ? options_.max_in_flight : 1);
}

bool AsyncExecutor::Idle() const { return in_flight_ == 0; }

void AsyncExecutor::Finished() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

void AsyncExecutor::Run(Lane* lane) {
  for (;;) {
    Task task;
    {
      absl::MutexLock lock(&lane->mu);
      lane->mu.Await(absl::Condition(lane, &Lane::Ready));
      if (lane->tasks.empty()) return;  // stopping, nothing left
      task = std::move(lane->tasks.front());
      lane->tasks.pop_front();
    }
    task.done(engine_->Execute(task.command));
    Finished();
  }
}

}  // namespace hotline::engine
