// Durability: an append acknowledged with sync on survives SIGKILL.
//
// Each round forks a child that re-executes this binary in child mode: four
// threads append with sync on and write an acknowledgement to a pipe after
// each OK. The parent kills the child with SIGKILL at a random point, reopens
// the log and checks that every acknowledged append is there, intact, and
// that the hash chain verifies. The child is exec'ed rather than run after a
// bare fork so that it starts without the parent's RocksDB threads' state.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "store/event_log.h"
#include "tests/child_process.h"
#include "tests/temp_dir.h"

namespace hotline::store {
namespace {

constexpr char kChildFlag[] = "--crash-child";
constexpr int kChildThreads = 4;
constexpr int kRounds = 20;

struct Ack {
  uint64_t sequence;
  uint32_t thread;
  uint32_t n;
};

std::string ExpectedPayload(int round, uint32_t thread, uint32_t n) {
  return absl::StrCat("round-", round, "/thread-", thread, "/n-", n);
}

// Child mode (args: PATH ROUND): append forever, acknowledging each durable
// append on `fd`.
int RunChild(const std::vector<std::string>& args, int fd) {
  int round = 0;
  if (args.size() != 2 || !absl::SimpleAtoi(args[1], &round)) return 2;
  const std::string& path = args[0];
  Options options;
  options.sync = true;
  auto log = EventLog::Open(path, options);
  if (!log.ok()) {
    std::fprintf(stderr, "child: %s\n", log.status().ToString().c_str());
    return 1;
  }
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kChildThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t n = 0;; ++n) {
        AppendRequest r;
        r.stream_id = absl::StrCat("s-", t);
        r.command_id = absl::StrCat("r", round, "-t", t, "-n", n);
        r.payloads = {ExpectedPayload(round, t, n)};
        auto result = (*log)->Append(r);
        if (!result.ok()) std::_Exit(3);
        Ack ack{result->first_sequence, t, n};
        // Under PIPE_BUF bytes: one write is atomic among threads.
        if (write(fd, &ack, sizeof ack) != sizeof ack) std::_Exit(4);
      }
    });
  }
  for (auto& th : threads) th.join();
  return 0;
}

TEST(EventLogCrashTest, AcknowledgedAppendsSurviveSigkill) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  std::mt19937 random(20221128);
  uint64_t total_acks = 0;
  for (int round = 0; round < kRounds; ++round) {
    const hotline::testing::Child spawned =
        hotline::testing::SpawnSelf({kChildFlag, path, std::to_string(round)}, true);
    const pid_t child = spawned.pid;
    const uint64_t kill_after = 1 + random() % 120;
    std::vector<Ack> acks;
    Ack ack;
    while (acks.size() < kill_after &&
           read(spawned.read_fd, &ack, sizeof ack) == sizeof ack) {
      acks.push_back(ack);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000));
    kill(child, SIGKILL);
    // Acknowledgements already in the pipe were made before the kill.
    while (read(spawned.read_fd, &ack, sizeof ack) == sizeof ack) acks.push_back(ack);
    close(spawned.read_fd);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child ended on its own, status " << status;
    ASSERT_GE(acks.size(), kill_after) << "round " << round;

    auto log = EventLog::Open(path, Options());
    ASSERT_TRUE(log.ok()) << log.status();
    for (const Ack& a : acks) {
      auto record = (*log)->Read(a.sequence);
      ASSERT_TRUE(record.ok()) << "round " << round << " lost acknowledged "
                               << a.sequence << ": " << record.status();
      EXPECT_EQ(record->payload, ExpectedPayload(round, a.thread, a.n));
    }
    auto report = (*log)->VerifyChain();
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->ok()) << "round " << round << ": sequence "
                              << report->fault->sequence << " "
                              << report->fault->what;
    EXPECT_EQ(report->records, (*log)->head().sequence);
    total_acks += acks.size();
  }
  std::printf("%d kills, %llu acknowledged appends all recovered\n", kRounds,
              static_cast<unsigned long long>(total_acks));
}

}  // namespace
}  // namespace hotline::store

int main(int argc, char** argv) {
  return hotline::testing::MainWithPipedChild(argc, argv, hotline::store::kChildFlag,
                                              &hotline::store::RunChild);
}
