// An erasure checked the way an inspector would: every byte of the store's
// directory, of a fresh export and of a fresh backup searched for the
// citizen's name, phone number and data key (docs/personal-data.md).

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "engine/command_validation.h"
#include "engine/engine.h"
#include "engine/export_format.h"
#include "engine/time_util.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::testing {
namespace {

using hotline::v1::Command;

const std::string kMasterKey(32, '\x3c');
constexpr char kName[] = "Ouyang Inspectable";
constexpr char kPhone[] = "13712345678";
// Strings sharing no run of four bytes with each other or with the other
// tickets: LZ4 would store a repeated run as a back-reference, and the
// search would then miss it even in the clear (TheSearchFindsPlaintext
// checks that it does not).
constexpr char kContent[] = "Water drips from the balcony of Bldg 9 onto flat 302";

// The files under `dir` (recursively) whose bytes contain `needle`.
std::vector<std::string> FilesHolding(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (bytes.str().find(needle) != std::string::npos) found.push_back(entry.path().string());
  }
  return found;
}

std::string Export(const engine::Engine& engine, bool binary) {
  std::ostringstream out;
  EXPECT_TRUE(engine::ExportEvents(engine.log(), &out, binary, /*redact=*/false).ok());
  return out.str();
}

// A district's month: `others` citizens' tickets and two of the one who
// will ask to be erased, worked to a close.
void FillStore(EngineHarness& h, int others) {
  const absl::Time t0 = Shanghai("2022-06-01 09:00");
  for (int i = 0; i < others + 2; ++i) {
    const std::string ticket = absl::StrCat("T", i);
    const absl::Time at = t0 + absl::Minutes(10 * i);
    Command c = h.Receive(ticket, at);
    auto* r = c.mutable_receive();
    r->clear_citizen();
    const bool target = i >= others;
    r->set_content(target ? kContent : absl::StrCat("Streetlight ", i, " is out"));
    r->mutable_contact()->set_name(target ? kName : absl::StrCat("Citizen ", i));
    r->mutable_contact()->set_phone(target ? kPhone : absl::StrCat("1350000", 1000 + i));
    h.Must(c);
    h.Must(h.Dispatch(ticket, at + absl::Minutes(1)));
    h.Must(h.Accept(ticket, at + absl::Minutes(2)));
    h.Must(h.Reply(ticket, at + absl::Minutes(3)));
  }
}

TEST(ErasureInspectionTest, NothingOfTheCitizenIsLeftInAnyByte) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true,
                  [](engine::EngineOptions& o) { o.master_key = kMasterKey; });
  FillStore(h, 200);
  const std::string target = "T200";
  // The data key in the clear and as stored (wrapped): neither may remain.
  const std::string data_key = *h.engine().personal_data().DataKeyForTesting(target);
  const std::string wrapped =
      **h.engine().log().Get(store::Family::kSecrets, absl::StrCat("t/", target));
  // Closing and opening again moves everything from the write-ahead log and
  // memtables into table files, where an erasure has to reach it.
  h.Reopen();

  // Sealed at rest: the name, phone and text were never on the disk; the
  // wrapped key is (so the search does find what is there).
  for (const std::string& secret : {std::string(kName), std::string(kPhone),
                                    std::string(kContent), data_key}) {
    EXPECT_TRUE(FilesHolding(h.path(), secret).empty()) << secret;
  }
  EXPECT_FALSE(FilesHolding(h.path(), wrapped).empty());
  ASSERT_EQ(h.engine().History(target)->front().event().ticket_received().contact().name(),
            kName);

  // Pinned to the head before the erasure: a report names the position it
  // covers, which the erasure's own event moves.
  const engine::ReportQuery month{"2022-06", std::nullopt, h.head()};
  const std::string report = engine::ReportJson(*h.engine().Report(month, true));
  Command erase = h.NewCommand("", Shanghai("2022-06-30 11:00"), Admin());
  erase.mutable_erase_personal_data()->set_phone(kPhone);
  erase.mutable_erase_personal_data()->set_reason("PIPL art. 47 request");
  h.Must(erase);

  const std::string backup = h.path() + "-backup";
  ASSERT_TRUE(h.engine().Backup(backup).ok());
  const std::string exports = h.path() + "-exports";
  std::filesystem::create_directories(exports);
  std::ofstream(exports + "/log.bin", std::ios::binary) << Export(h.engine(), true);
  std::ofstream(exports + "/log.jsonl", std::ios::binary) << Export(h.engine(), false);
  for (const std::string& dir : {h.path(), backup, exports}) {
    for (const std::string& secret : {std::string(kName), std::string(kPhone),
                                      std::string(kContent), data_key, wrapped}) {
      EXPECT_EQ(FilesHolding(dir, secret), std::vector<std::string>()) << dir;
    }
  }
  EXPECT_EQ(h.engine().History(target)->front().event().ticket_received().content(),
            engine::kErasedMask);
  EXPECT_EQ(engine::ReportJson(*h.engine().Report(month, true)), report);
  EXPECT_TRUE(h.engine().Verify()->ok());
  // The others' data is still there, sealed.
  EXPECT_EQ(h.engine().History("T7")->front().event().ticket_received().contact().name(),
            "Citizen 7");
  std::filesystem::remove_all(backup);
  std::filesystem::remove_all(exports);
}

// Reads of the backup thread named by block_thread() wait until release()
// (other threads read freely): a backup held in the middle of its copy,
// with its snapshot of the store open.
class HoldingFs : public rocksdb::FileSystemWrapper {
 public:
  explicit HoldingFs(std::shared_ptr<rocksdb::FileSystem> base)
      : FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "HoldingFs"; }

  void block_thread(std::thread::id id) { blocked_ = id; }
  void release() { released_.Notify(); }
  // Waits until a read of the blocked thread is held.
  void WaitUntilHolding() { holding_.WaitForNotification(); }

  rocksdb::IOStatus NewRandomAccessFile(const std::string& name, const rocksdb::FileOptions& o,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* file,
                                        rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewRandomAccessFile(name, o, file, dbg);
    if (s.ok()) *file = std::make_unique<File>(std::move(*file), this);
    return s;
  }

 private:
  class File : public rocksdb::FSRandomAccessFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSRandomAccessFile> base, HoldingFs* fs)
        : FSRandomAccessFileOwnerWrapper(std::move(base)), fs_(fs) {}
    rocksdb::IOStatus Read(uint64_t offset, size_t n, const rocksdb::IOOptions& o,
                           rocksdb::Slice* result, char* scratch,
                           rocksdb::IODebugContext* dbg) const override {
      fs_->MaybeHold();
      return target()->Read(offset, n, o, result, scratch, dbg);
    }

   private:
    HoldingFs* const fs_;
  };

  void MaybeHold() {
    if (std::this_thread::get_id() != blocked_.load()) return;
    if (!holding_.HasBeenNotified()) holding_.Notify();
    released_.WaitForNotification();
  }

  std::atomic<std::thread::id> blocked_{};
  absl::Notification holding_, released_;
};

// A backup running through the erasure holds a snapshot from before it, for
// which a compaction must keep the deleted key: the shred waits it out.
TEST(ErasureInspectionTest, TheShredOutwaitsABackupsSnapshot) {
  auto fs = std::make_shared<HoldingFs>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, [&](engine::EngineOptions& o) {
    o.master_key = kMasterKey;
    o.env = env.get();
  });
  FillStore(h, 20);
  const std::string wrapped =
      **h.engine().log().Get(store::Family::kSecrets, absl::StrCat("t/T20"));
  h.Reopen();  // into table files, so that the backup reads them
  const std::string backup = h.path() + "-backup";
  std::thread backing_up([&] {
    fs->block_thread(std::this_thread::get_id());
    EXPECT_TRUE(h.engine().Backup(backup).ok());
  });
  fs->WaitUntilHolding();
  std::thread erasing([&] {
    Command erase = h.NewCommand("", Shanghai("2022-06-30 11:00"), Admin());
    erase.mutable_erase_personal_data()->set_phone(kPhone);
    erase.mutable_erase_personal_data()->set_reason("PIPL art. 47 request");
    h.Must(erase);
  });
  absl::SleepFor(absl::Milliseconds(500));  // the shred finds its deletion kept
  fs->release();
  backing_up.join();
  erasing.join();
  EXPECT_EQ(FilesHolding(h.path(), wrapped), std::vector<std::string>());
  std::filesystem::remove_all(backup);
}

// The search finds personal data where it is in the clear: a store without
// a master key, as before sealing.
TEST(ErasureInspectionTest, TheSearchFindsPlaintext) {
  EngineHarness h(Shanghai("2022-06-30 12:00"));
  FillStore(h, 20);
  h.Reopen();
  for (const char* secret : {kName, kPhone, kContent}) {
    EXPECT_FALSE(FilesHolding(h.path(), secret).empty()) << secret;
  }
}

}  // namespace
}  // namespace hotline::testing
