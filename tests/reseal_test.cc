// A log written with personal data in the clear, resealed into a new store
// (engine/reseal.h, docs/personal-data.md).

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "engine/monthly_report.h"
#include "engine/reseal.h"
#include "gtest/gtest.h"
#include "store/transparency.h"
#include "tests/engine_harness.h"

namespace hotline::testing {
namespace {

using hotline::v1::Command;

const std::string kMasterKey(32, '\x21');
constexpr char kName[] = "Gongsun Plaintext";

Command ReceiveFrom(EngineHarness& h, const std::string& ticket, const std::string& phone,
                    absl::Time at) {
  Command c = h.Receive(ticket, at);
  c.mutable_receive()->clear_citizen();
  c.mutable_receive()->mutable_contact()->set_name(kName);
  c.mutable_receive()->mutable_contact()->set_phone(phone);
  return c;
}

// Two citizens' tickets worked through a cycle, in `h`'s store.
void Fill(EngineHarness& h) {
  const absl::Time t0 = Shanghai("2022-06-01 09:00");
  h.Must(ReceiveFrom(h, "T1", "13800000001", t0));
  h.Must(ReceiveFrom(h, "T2", "13800000002", t0 + absl::Minutes(5)));
  for (const char* ticket : {"T1", "T2"}) {
    h.Must(h.Dispatch(ticket, t0 + absl::Hours(1)));
    h.Must(h.Accept(ticket, t0 + absl::Hours(2)));
    h.Must(h.Reply(ticket, t0 + absl::Hours(3)));
  }
}

std::unique_ptr<engine::Engine> OpenWithKey(const std::string& path) {
  engine::EngineOptions options;
  options.mode = store::OpenMode::kReadOnly;
  options.master_key = kMasterKey;
  auto engine = engine::Engine::Open(path, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *std::move(engine) : nullptr;
}

TEST(ResealTest, TheCopyHoldsTheSameEventsSealed) {
  EngineHarness old;  // no master key: in the clear
  Fill(old);
  const std::string to = old.path() + "-resealed";
  auto result = engine::Reseal(old.engine().log(), old.engine().personal_data(), to, kMasterKey,
                               nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->sealed, 4u);  // two receipts, two replies
  EXPECT_EQ(result->kept_sealed, 0u);
  EXPECT_EQ(result->from.size, old.head());
  EXPECT_EQ(result->from.root_hash, *store::TreeRoot(old.engine().log(), old.head()));

  std::unique_ptr<engine::Engine> copy = OpenWithKey(to);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(result->to.size, old.head());
  EXPECT_EQ(result->to.root_hash, *store::TreeRoot(copy->log(), old.head()));
  EXPECT_NE(result->to.root_hash, result->from.root_hash);
  for (uint64_t seq = 1; seq <= old.head(); ++seq) {
    const store::Record a = *old.engine().log().Read(seq);
    const store::Record b = *copy->log().Read(seq);
    EXPECT_EQ(a.stream_id, b.stream_id) << seq;
    EXPECT_EQ(a.stream_version, b.stream_version) << seq;
    EXPECT_EQ(a.command_id, b.command_id) << seq;
    EXPECT_FALSE(absl::StrContains(b.payload, kName)) << seq;
  }
  for (const char* ticket : {"T1", "T2"}) {
    auto before = old.engine().History(ticket);
    auto after = copy->History(ticket);
    ASSERT_TRUE(before.ok() && after.ok());
    ASSERT_EQ(before->size(), after->size());
    for (size_t i = 0; i < before->size(); ++i) {
      EXPECT_EQ((*before)[i].event().SerializeAsString(), (*after)[i].event().SerializeAsString())
          << ticket << " event " << i;
      EXPECT_EQ((*before)[i].recorded_at().seconds(), (*after)[i].recorded_at().seconds());
    }
  }
  EXPECT_EQ(engine::ReportJson(*copy->Report({"2022-06"})),
            engine::ReportJson(*old.engine().Report({"2022-06"})));
  EXPECT_TRUE(copy->Verify()->ok());
  EXPECT_EQ(engine::ResealStatement(*result),
            absl::StrCat("hotline reseal\nfrom ", result->from.origin, " ", old.head(), " ",
                         absl::Base64Escape(result->from.root_hash), "\nto ", result->to.origin,
                         " ", old.head(), " ", absl::Base64Escape(result->to.root_hash), "\n"));
  // The copy's citizens are erasable.
  copy.reset();
  engine::EngineOptions writer;
  writer.backfill = true;
  writer.master_key = kMasterKey;
  auto erasing = engine::Engine::Open(to, writer);
  ASSERT_TRUE(erasing.ok()) << erasing.status();
  Command erase = old.NewCommand("", Shanghai("2022-06-30 11:00"), Admin());
  erase.mutable_erase_personal_data()->set_phone("13800000001");
  erase.mutable_erase_personal_data()->set_reason("request");
  ASSERT_TRUE((*erasing)->Execute(erase).ok());
  EXPECT_EQ((*erasing)->History("T1")->front().event().ticket_received().content(),
            engine::kErasedMask);
  EXPECT_EQ((*erasing)->History("T2")->front().event().ticket_received().contact().name(), kName);
  erasing->reset();
  std::filesystem::remove_all(to);
}

TEST(ResealTest, DataErasedBeforeStaysErased) {
  EngineHarness old(Shanghai("2022-06-30 12:00"), true,
                    [](engine::EngineOptions& o) { o.master_key = kMasterKey; });
  Fill(old);
  Command erase = old.NewCommand("", Shanghai("2022-06-30 11:00"), Admin());
  erase.mutable_erase_personal_data()->set_phone("13800000001");
  erase.mutable_erase_personal_data()->set_reason("request");
  old.Must(erase);
  const std::string to = old.path() + "-resealed";
  auto result = engine::Reseal(old.engine().log(), old.engine().personal_data(), to, kMasterKey,
                               nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->kept_sealed, 2u);  // T1's receipt and reply
  EXPECT_EQ(result->sealed, 2u);       // T2's, under a new key
  std::unique_ptr<engine::Engine> copy = OpenWithKey(to);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->History("T1")->front().event().ticket_received().content(),
            engine::kErasedMask);
  EXPECT_EQ(copy->History("T2")->front().event().ticket_received().contact().name(), kName);
  copy.reset();
  std::filesystem::remove_all(to);
}

TEST(ResealTest, TheNewStoreMustBeNew) {
  EngineHarness old;
  Fill(old);
  EngineHarness other;
  Fill(other);
  other.Close();  // not locked: refused for holding a log
  const absl::Status refused = engine::Reseal(old.engine().log(), old.engine().personal_data(),
                                              other.path(), kMasterKey, nullptr)
                                   .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.message(), "already holds a log")) << refused;
}

}  // namespace
}  // namespace hotline::testing
