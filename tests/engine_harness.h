#ifndef HOTLINE_TESTS_ENGINE_HARNESS_H_
#define HOTLINE_TESTS_ENGINE_HARNESS_H_

// An Engine in a temp directory with an injected clock, and builders for the
// commands of workflow.md, for the engine's tests.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "hotline/v1/commands.pb.h"
#include "tests/temp_dir.h"

namespace hotline::testing {

// Actors of the seed's centre.
hotline::v1::Actor Operator();
hotline::v1::Actor Dispatcher();
hotline::v1::Actor Supervisor();
hotline::v1::Actor Admin();
hotline::v1::Actor Staff(const std::string& unit_id);

// Local time in Asia/Shanghai, "2022-05-27 16:00".
absl::Time Shanghai(const std::string& local);

class EngineHarness {
 public:
  // Changes the options of every open, after the harness set its own.
  using AdjustOptions = std::function<void(engine::EngineOptions&)>;

  // Opens an engine (sync off) whose clock reads `now`, and (with `seed`)
  // registers units U01..U03 (active) and U09 (inactive), an hour before
  // `now`; without, the store stays empty. `adjust`, when given, changes the
  // options of this and every later open (e.g. sync on, another Env).
  explicit EngineHarness(absl::Time now = Shanghai("2022-06-30 12:00"),
                         bool backfill = true, AdjustOptions adjust = nullptr,
                         bool seed = true);

  engine::Engine& engine() { return *engine_; }
  uint64_t head() const { return engine_->log().head().sequence; }
  // Moves the engine's clock; safe while engine threads read it (a
  // service's timer loop).
  void set_now(absl::Time now) {
    absl::MutexLock lock(&now_mu_);
    now_ = now;
  }
  // The store's directory.
  std::string path() const { return dir_.Sub("db"); }
  // Closes the engine (to change its files behind its back) and opens it again.
  void Close() { engine_.reset(); }
  void Reopen();

  // A command with a fresh command id (or `command_id`).
  hotline::v1::Command NewCommand(const std::string& ticket, absl::Time at,
                               const hotline::v1::Actor& actor,
                               const std::string& command_id = "");

  absl::StatusOr<engine::ExecuteResult> Execute(const hotline::v1::Command& c) {
    return engine_->Execute(c);
  }

  // Publishes `policy` (at an hour before now) and fails the test unless it
  // was accepted.
  void PublishPolicy(const hotline::v1::Policy& policy);
  // The default policy with the shipped China calendar (engine/calendars).
  static hotline::v1::Policy ChinaPolicy();

  // Executes and fails the test unless it succeeded.
  void Must(const hotline::v1::Command& c);

  // The payload-bearing commands, with valid content.
  hotline::v1::Command Receive(const std::string& ticket, absl::Time at,
                               hotline::v1::AppealType::Value type =
                                   hotline::v1::AppealType::COMPLAINT,
                               hotline::v1::Urgency::Value urgency =
                                   hotline::v1::Urgency::NORMAL);
  hotline::v1::Command Dispatch(const std::string& ticket, absl::Time at,
                                const std::string& unit = "U01");
  hotline::v1::Command Accept(const std::string& ticket, absl::Time at,
                              const std::string& unit = "U01");
  hotline::v1::Command RequestReturn(const std::string& ticket, absl::Time at,
                                     const std::string& unit = "U01");
  hotline::v1::Command DecideReturn(const std::string& ticket, absl::Time at, bool approve);
  hotline::v1::Command RequestExtension(const std::string& ticket, absl::Time at,
                                        int days, const std::string& unit = "U01");
  hotline::v1::Command DecideExtension(const std::string& ticket, absl::Time at,
                                       bool approve);
  hotline::v1::Command Reply(const std::string& ticket, absl::Time at,
                             const std::string& unit = "U01");
  hotline::v1::Command Review(const std::string& ticket, absl::Time at, bool approve);
  hotline::v1::Command Rate(const std::string& ticket, absl::Time at, bool contacted);
  hotline::v1::Command Reopen(const std::string& ticket, absl::Time at);
  hotline::v1::Command Urge(const std::string& ticket, absl::Time at);
  hotline::v1::Command Merge(const std::string& ticket, absl::Time at,
                             const std::string& primary);
  hotline::v1::Command Withdraw(const std::string& ticket, absl::Time at);
  hotline::v1::Command AnswerDirectly(const std::string& ticket, absl::Time at);

 private:
  TempDir dir_;
  absl::Mutex now_mu_;
  absl::Time now_ ABSL_GUARDED_BY(now_mu_);
  bool backfill_;
  AdjustOptions adjust_;
  int next_id_ = 0;
  std::unique_ptr<engine::Engine> engine_;
};

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_ENGINE_HARNESS_H_
