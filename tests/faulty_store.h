#ifndef HOTLINE_TESTS_FAULTY_STORE_H_
#define HOTLINE_TESTS_FAULTY_STORE_H_

// An event log on a fault-injecting file system (tests/fault_injection_fs.h),
// the appends made against it, and what must hold of them after a power cut
// or an I/O error: for power_cut_test and io_error_test.

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/env.h"
#include "store/event_log.h"
#include "tests/fault_injection_fs.h"
#include "tests/temp_dir.h"

namespace hotline::testing {

// A directory for a log, with a FaultInjectionFs and an Env on it.
class FaultyStore {
 public:
  FaultyStore();

  FaultInjectionFs& fs() { return *fs_; }
  std::string path() const { return dir_.Sub("db"); }

  // Options for a log on the fault file system, sync on or off.
  store::Options Faulty(bool sync) const;

  // Cuts the power under `log`: nothing it writes or syncs from now on
  // reaches the disk; destroys it, then drops what was not durable (see
  // FaultInjectionFs::PowerCut). Fails the test if the cut fails.
  PowerCutReport Cut(std::unique_ptr<store::EventLog> log,
                     std::mt19937_64* keep_random_tail = nullptr);

 private:
  TempDir dir_;
  std::shared_ptr<FaultInjectionFs> fs_;
  std::unique_ptr<rocksdb::Env> env_;
};

// Opens the log at `path`; nullptr (and a test failure) when it cannot.
std::unique_ptr<store::EventLog> MustOpen(const std::string& path,
                                          const store::Options& options);

// One append, made or about to be, and what it returned.
struct Attempt {
  std::string stream_id;
  std::string command_id;
  std::string payload;
  absl::StatusOr<store::AppendResult> result = absl::UnknownError("not made");
};

// Attempt `n` of `tag` on stream "stream-<stream>", with a payload of about
// `pad` bytes more than its command id.
Attempt MakeAttempt(const std::string& tag, int stream, int n, size_t pad = 40);

// The request for `a`. It also sets the stream's projection (kState, key =
// stream id) to the payload, in the same batch: after any cut or error the
// projection must still be the stream's last payload.
store::AppendRequest Request(const Attempt& a);

// Makes `n` appends on three streams, each of which must succeed.
std::vector<Attempt> AppendAcked(store::EventLog* log, const std::string& tag, int n);

// Runs `threads` appenders on `log`, each on its own stream, until each
// sees an append fail (or made 20,000); returns every attempt.
std::vector<Attempt> AppendUntilFailure(store::EventLog* log, const std::string& tag,
                                        int threads, size_t pad = 40);

// How many of `attempts` were acknowledged.
int Acknowledged(const std::vector<Attempt>& attempts);

// Checks what must hold of a reopened log after any cut or error, whatever
// was lost: the chain verifies and ends at the stored head; each stream is
// gapless and its projection is its last payload; every attempt's command
// id is absent or names exactly its own record; and an attempt acknowledged
// at a sequence the log still has is there at that sequence (what survives
// is a prefix of what was committed). Returns how many acknowledged
// attempts were lost (all of them past the head).
int ExpectConsistent(const store::EventLog& log, const std::vector<Attempt>& attempts,
                     const std::string& context);

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_FAULTY_STORE_H_
