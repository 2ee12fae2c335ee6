// Kill -9 torture: many cycles of a child process executing commands from
// eight threads with sync on, SIGKILLed at a random moment; the parent
// records every command the child acknowledged. After each kill the store
// reopens, Engine::Verify is clean (chain, command index, ticket states,
// timer index, statistics) and every acknowledged command id is present.
// HOTLINE_TORTURE_CYCLES sets the number of cycles (default 12) for long runs.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "engine/time_util.h"
#include "gtest/gtest.h"
#include "tests/child_process.h"
#include "tests/engine_harness.h"
#include "tests/temp_dir.h"

namespace hotline::engine {
namespace {

using hotline::v1::Command;

constexpr char kChildFlag[] = "--torture-child";
constexpr uint32_t kThreads = 8;

absl::Time Now() { return hotline::testing::Shanghai("2022-06-01 12:00"); }

std::string CommandId(int cycle, uint32_t thread, uint32_t n) {
  return absl::StrCat("c", cycle, "-t", thread, "-n", n);
}

// The n-th command of a thread: tickets of its own go through receive,
// dispatch to the thread's unit, accept and reply, four commands each.
Command NthCommand(int cycle, uint32_t thread, uint32_t n) {
  const std::string unit = absl::StrCat("U", thread);
  Command c;
  c.set_command_id(CommandId(cycle, thread, n));
  c.set_ticket_id(absl::StrCat("T", cycle, "-", thread, "-", n / 4));
  *c.mutable_at() = ToProto(Now() - absl::Hours(1));
  switch (n % 4) {
    case 0: {
      *c.mutable_actor() = hotline::testing::Operator();
      auto* r = c.mutable_receive();
      r->set_channel(hotline::v1::Channel::PHONE);
      r->set_appeal_type(hotline::v1::AppealType::COMPLAINT);
      r->set_urgency(hotline::v1::Urgency::NORMAL);
      r->set_category("噪音扰民");
      r->set_content("夜间施工");
      break;
    }
    case 1:
      *c.mutable_actor() = hotline::testing::Dispatcher();
      c.mutable_dispatch()->set_lead_unit(unit);
      break;
    case 2:
      *c.mutable_actor() = hotline::testing::Staff(unit);
      c.mutable_accept();
      break;
    default:
      *c.mutable_actor() = hotline::testing::Staff(unit);
      c.mutable_reply()->set_outcome(hotline::v1::Outcome::RESOLVED);
      c.mutable_reply()->set_result("已处理");
      break;
  }
  return c;
}

EngineOptions Options() {
  EngineOptions options;  // sync on: the default
  options.backfill = true;
  options.clock = [] { return Now(); };
  return options;
}

struct Ack {
  uint32_t thread;
  uint32_t n;
};

// Child mode (args: PATH CYCLE): eight threads execute commands until
// killed, acknowledging each OK on `fd`.
int RunChild(const std::vector<std::string>& args, int fd) {
  int cycle = 0;
  if (args.size() != 2 || !absl::SimpleAtoi(args[1], &cycle)) return 2;
  auto engine = Engine::Open(args[0], Options());
  if (!engine.ok()) {
    std::fprintf(stderr, "child: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t n = 0;; ++n) {
        auto result = (*engine)->Execute(NthCommand(cycle, t, n));
        if (!result.ok()) {
          std::fprintf(stderr, "child: %s\n", result.status().ToString().c_str());
          std::_Exit(3);
        }
        const Ack ack{t, n};  // under PIPE_BUF: atomic among threads
        if (write(fd, &ack, sizeof ack) != sizeof ack) std::_Exit(4);
      }
    });
  }
  for (auto& th : threads) th.join();
  return 0;
}

TEST(TortureTest, AcknowledgedCommandsSurviveKillsAndTheStoreVerifies) {
  int cycles = 12;
  if (const char* env = std::getenv("HOTLINE_TORTURE_CYCLES")) {
    ASSERT_TRUE(absl::SimpleAtoi(env, &cycles));
  }
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto engine = Engine::Open(path, Options());
    ASSERT_TRUE(engine.ok()) << engine.status();
    for (uint32_t t = 0; t < kThreads; ++t) {
      Command unit;
      unit.set_command_id(absl::StrCat("unit-", t));
      *unit.mutable_at() = ToProto(Now() - absl::Hours(2));
      *unit.mutable_actor() = hotline::testing::Admin();
      unit.mutable_register_unit()->set_unit_id(absl::StrCat("U", t));
      unit.mutable_register_unit()->set_name(absl::StrCat("单位", t));
      unit.mutable_register_unit()->set_kind(hotline::v1::UnitKind::DEPARTMENT);
      ASSERT_TRUE((*engine)->Execute(unit).ok());
    }
  }
  std::mt19937 random(20261201);
  uint64_t acknowledged = 0, lost = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    const hotline::testing::Child spawned =
        hotline::testing::SpawnSelf({kChildFlag, path, std::to_string(cycle)}, true);
    // Wait for the first acknowledgement (the child has opened the store),
    // then let it run for a random moment.
    std::vector<Ack> acks(1);
    ASSERT_EQ(read(spawned.read_fd, &acks[0], sizeof(Ack)), static_cast<ssize_t>(sizeof(Ack)));
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 400000));
    kill(spawned.pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(spawned.pid, &status, 0), spawned.pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child ended on its own, status " << status;
    // Acknowledgements in the pipe were made before the kill.
    Ack ack;
    while (read(spawned.read_fd, &ack, sizeof ack) == sizeof ack) acks.push_back(ack);
    close(spawned.read_fd);

    auto engine = Engine::Open(path, Options());
    ASSERT_TRUE(engine.ok()) << "cycle " << cycle << ": " << engine.status();
    for (const Ack& a : acks) {
      auto found = (*engine)->log().FindCommand(CommandId(cycle, a.thread, a.n));
      ASSERT_TRUE(found.ok()) << found.status();
      if (!found->has_value()) {
        ++lost;
        ADD_FAILURE() << "cycle " << cycle << " lost " << CommandId(cycle, a.thread, a.n);
      }
    }
    ASSERT_TRUE((*engine)->CatchUpStatistics().ok());
    auto verified = (*engine)->Verify();
    ASSERT_TRUE(verified.ok()) << verified.status();
    ASSERT_TRUE(verified->ok()) << "cycle " << cycle << ": "
                                << (verified->faults.empty() ? verified->chain.fault->what
                                                             : verified->faults[0]);
    acknowledged += acks.size();
  }
  EXPECT_EQ(lost, 0u);
  std::printf("torture: %d cycles, %llu acknowledged commands, %llu lost\n", cycles,
              static_cast<unsigned long long>(acknowledged),
              static_cast<unsigned long long>(lost));
}

}  // namespace
}  // namespace hotline::engine

int main(int argc, char** argv) {
  return hotline::testing::MainWithPipedChild(argc, argv, hotline::engine::kChildFlag,
                                              &hotline::engine::RunChild);
}
