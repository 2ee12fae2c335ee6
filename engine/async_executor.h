#ifndef HOTLINE_ENGINE_ASYNC_EXECUTOR_H_
#define HOTLINE_ENGINE_ASYNC_EXECUTOR_H_

// AsyncExecutor: commands submitted without waiting for each to commit, so
// that one submitter (a bulk import, `hotline apply`) fills the engine's
// group commits as many concurrent callers would: with sync on, one fsync
// then covers many commands instead of one.
//
// Commands run on a fixed pool of threads, each through Engine::Execute,
// with its guarantees (idempotency by command id, atomic appends, the same
// errors). Order: the commands of one ticket run one after another in the
// order they were submitted, so each decides on the state its predecessors
// left; commands of different tickets run concurrently (they commute: each
// decides only on its own ticket and the directory). A command that reads
// or writes anything but its own ticket — a directory command (units,
// policy), a merge, an erasure — runs alone: after every command submitted
// before it has finished, before any submitted after it starts. So the
// outcome of each command is the one a serial Execute of the same sequence
// would give; only the interleaving of different tickets' events in the log
// differs. These orders are those of the Submit calls: with several
// submitting threads, commands whose Submit calls overlap are unordered.
//
// Thread safety: Submit and Drain may be called from any thread; results
// are delivered to each command's callback on one of the executor's
// threads (or, for a command that runs alone, on the submitting thread),
// exactly once, before Drain returns. Callbacks must not call Submit or
// Drain.

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/engine.h"
#include "hotline/v1/commands.pb.h"

namespace hotline::engine {

struct AsyncExecutorOptions {
  // Threads executing commands: how many can wait on one group commit.
  // Default 64.
  int threads = 64;
  // Commands submitted but not yet finished; Submit waits while this many
  // are. Bounds memory. Default 256.
  size_t max_in_flight = 256;
};

class AsyncExecutor {
 public:
  using Callback = std::function<void(const absl::StatusOr<ExecuteResult>&)>;

  // Executes on `engine`, which must outlive the executor.
  explicit AsyncExecutor(Engine* engine, AsyncExecutorOptions options = {});
  // Drains, then stops the threads.
  ~AsyncExecutor();

  AsyncExecutor(const AsyncExecutor&) = delete;
  AsyncExecutor& operator=(const AsyncExecutor&) = delete;

  // Queues `command`; `done` gets its result. Waits while max_in_flight
  // commands are unfinished, and, for a command that runs alone, until it
  // has run.
  void Submit(hotline::v1::Command command, Callback done);

  // Waits until every command submitted so far has finished.
  void Drain();

 private:
  struct Task {
    hotline::v1::Command command;
    Callback done;
  };
  // One thread's queue: the commands of the tickets that hash to it.
  struct Lane {
    absl::Mutex mu;
    std::deque<Task> tasks ABSL_GUARDED_BY(mu);
    bool stop ABSL_GUARDED_BY(mu) = false;
    // Something to do: a task, or stopping.
    bool Ready() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return stop || !tasks.empty(); }
  };

  // A lane's thread: its tasks in order until stopped.
  void Run(Lane* lane);
  // A task finished: one fewer in flight.
  void Finished();
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Engine* const engine_;
  const AsyncExecutorOptions options_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<std::thread> threads_;
  absl::Mutex mu_;
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_ASYNC_EXECUTOR_H_
