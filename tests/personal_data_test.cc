// Personal data sealed at rest and erased by deleting its keys
// (engine/personal_data.h, docs/personal-data.md).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "engine/command_validation.h"
#include "engine/engine.h"
#include "engine/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"
#include "tests/raw_rocks.h"

namespace hotline::testing {
namespace {

using hotline::v1::Command;
using hotline::v1::EventEnvelope;
using ::testing::UnorderedElementsAre;

const std::string kMasterKey(32, '\x5a');
constexpr char kName[] = "Li Sixteen";
constexpr char kContent[] = "The drain outside No. 7 overflows every night.";

EngineHarness::AdjustOptions WithKey(std::string key = kMasterKey) {
  return [key](engine::EngineOptions& o) { o.master_key = key; };
}

Command ReceiveFrom(EngineHarness& h, const std::string& ticket, const std::string& phone,
                    absl::Time at) {
  Command c = h.Receive(ticket, at);
  auto* r = c.mutable_receive();
  r->clear_citizen();
  r->set_content(kContent);
  r->mutable_contact()->set_name(kName);
  r->mutable_contact()->set_phone(phone);
  return c;
}

Command EraseCommand(EngineHarness& h, absl::Time at, const std::string& phone,
                     std::optional<absl::Time> closed_before = std::nullopt) {
  Command c = h.NewCommand("", at, Admin());
  auto* e = c.mutable_erase_personal_data();
  e->set_reason("PIPL request 2022-17");
  if (closed_before) {
    *e->mutable_closed_before() = engine::ToProto(*closed_before);
  } else {
    e->set_phone(phone);
  }
  return c;
}

// The ticket's TicketReceived as History shows it.
hotline::v1::TicketReceived Received(engine::Engine& engine, const std::string& ticket) {
  auto history = engine.History(ticket);
  EXPECT_TRUE(history.ok()) << history.status();
  if (!history.ok() || history->empty()) return {};
  return history->front().event().ticket_received();
}

std::vector<std::string> Hashes(const engine::Engine& engine) {
  std::vector<std::string> hashes;
  EXPECT_TRUE(engine.log()
                  .Scan(1, UINT64_MAX,
                        [&](const store::Record& r) {
                          hashes.push_back(r.hash);
                          return absl::OkStatus();
                        })
                  .ok());
  return hashes;
}

const absl::Time kT0 = Shanghai("2022-06-01 09:00");

TEST(PersonalDataTest, PersonalFieldsAreStoredOnlySealed) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, WithKey());
  h.Must(ReceiveFrom(h, "T1", "13800138000", kT0));
  const store::Record record = *h.engine().log().Read(h.head());
  for (const char* secret : {kName, "13800138000", kContent}) {
    EXPECT_FALSE(absl::StrContains(record.payload, secret)) << secret;
  }
  EXPECT_TRUE(absl::StrContains(record.payload, "夜间施工噪音"));  // the title is not personal
  const auto received = Received(h.engine(), "T1");
  EXPECT_EQ(received.content(), kContent);
  EXPECT_EQ(received.contact().name(), kName);
  EXPECT_EQ(received.contact().phone(), "13800138000");
  EXPECT_TRUE(h.engine().Verify()->ok());
}

TEST(PersonalDataTest, WithoutTheKeySealedFieldsReadEncryptedAndNoneAreWritten) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, WithKey());
  h.Must(ReceiveFrom(h, "T1", "13800138000", kT0));
  h.Close();
  engine::EngineOptions reader;
  reader.mode = store::OpenMode::kReadOnly;
  auto plain = engine::Engine::Open(h.path(), reader);
  ASSERT_TRUE(plain.ok()) << plain.status();
  const auto received = Received(**plain, "T1");
  EXPECT_EQ(received.content(), engine::kEncryptedMask);
  EXPECT_FALSE(received.has_contact());
  plain->reset();

  reader.master_key = std::string(32, '\x01');
  EXPECT_EQ(engine::Engine::Open(h.path(), reader).status().code(),
            absl::StatusCode::kFailedPrecondition);
  reader.master_key = "short";
  EXPECT_EQ(engine::Engine::Open(h.path(), reader).status().code(),
            absl::StatusCode::kInvalidArgument);

  engine::EngineOptions writer;
  writer.backfill = true;
  auto keyless = engine::Engine::Open(h.path(), writer);
  ASSERT_TRUE(keyless.ok()) << keyless.status();
  EXPECT_EQ((*keyless)->Execute(ReceiveFrom(h, "T2", "13800138001", kT0)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE((*keyless)->Execute(h.Dispatch("T1", kT0 + absl::Hours(1))).ok());
}

TEST(PersonalDataTest, AStoreWithoutAMasterKeyKeepsPlaintext) {
  EngineHarness h;
  h.Must(ReceiveFrom(h, "T1", "13800138000", kT0));
  const store::Record record = *h.engine().log().Read(h.head());
  EXPECT_TRUE(absl::StrContains(record.payload, kContent));
  EXPECT_EQ(Received(h.engine(), "T1").content(), kContent);
}

TEST(PersonalDataTest, ErasureByPhoneLeavesEveryHashAndReport) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, WithKey());
  h.Must(ReceiveFrom(h, "T1", "138-0013-8000", kT0));
  h.Must(ReceiveFrom(h, "T2", "138 0013 8000", kT0 + absl::Hours(1)));
  h.Must(ReceiveFrom(h, "T3", "13911112222", kT0 + absl::Hours(2)));
  h.Must(h.Dispatch("T1", kT0 + absl::Hours(3)));
  const std::vector<std::string> before = Hashes(h.engine());
  // Pinned to the head before the erasure: a report names the position it
  // covers, which the erasure's own event moves.
  const engine::ReportQuery month{"2022-06", std::nullopt, h.head()};
  const std::string report = engine::ReportJson(*h.engine().Report(month, true));

  const Command erase = EraseCommand(h, Shanghai("2022-06-30 11:00"), "13800138000");
  auto erased = h.Execute(erase);
  ASSERT_TRUE(erased.ok()) << erased.status();
  auto records = h.engine().log().ReadStream(engine::kErasureStream);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EventEnvelope stored;
  ASSERT_TRUE(stored.ParseFromString(records->front().payload));
  const auto& what = stored.event().citizen_data_erased();
  EXPECT_THAT(what.ticket_ids(), UnorderedElementsAre("T1", "T2"));
  EXPECT_EQ(what.subject(), *h.engine().personal_data().SubjectOf("13800138000"));
  EXPECT_FALSE(absl::StrContains(records->front().payload, "13800138000"));

  for (const char* ticket : {"T1", "T2"}) {
    const auto received = Received(h.engine(), ticket);
    EXPECT_EQ(received.content(), engine::kErasedMask) << ticket;
    EXPECT_FALSE(received.has_contact()) << ticket;
    EXPECT_EQ(h.engine().personal_data().DataKeyForTesting(ticket).status().code(),
              absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(Received(h.engine(), "T3").contact().name(), kName);

  std::vector<std::string> after = Hashes(h.engine());
  ASSERT_EQ(after.size(), before.size() + 1);
  after.pop_back();
  EXPECT_EQ(after, before);
  EXPECT_EQ(engine::ReportJson(*h.engine().Report(month)), report);
  EXPECT_EQ(engine::ReportJson(*h.engine().Report(month, true)), report);
  EXPECT_TRUE(h.engine().Verify()->ok());

  // A repeat is the same erasure; another finds nothing left to erase.
  auto again = h.Execute(erase);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(h.Execute(EraseCommand(h, Shanghai("2022-06-30 11:00"), "13800138000"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(PersonalDataTest, ErasureIsForAdminsWithTheKey) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, WithKey());
  h.Must(ReceiveFrom(h, "T1", "13800138000", kT0));
  Command erase = EraseCommand(h, kT0 + absl::Hours(1), "13800138000");
  *erase.mutable_actor() = Supervisor();
  EXPECT_EQ(h.Execute(erase).status().code(), absl::StatusCode::kPermissionDenied);
  erase = EraseCommand(h, kT0 + absl::Hours(1), "13800138000");
  erase.mutable_erase_personal_data()->set_reason("");
  EXPECT_EQ(h.Execute(erase).status().code(), absl::StatusCode::kInvalidArgument);
  erase = EraseCommand(h, kT0 + absl::Hours(1), "13800138000", kT0);
  erase.mutable_erase_personal_data()->set_phone("13800138000");
  EXPECT_EQ(h.Execute(erase).status().code(), absl::StatusCode::kInvalidArgument);

  EngineHarness keyless;
  keyless.Must(ReceiveFrom(keyless, "T1", "13800138000", kT0));
  EXPECT_EQ(keyless.Execute(EraseCommand(keyless, kT0 + absl::Hours(1), "13800138000"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PersonalDataTest, RetentionErasesTicketsClosedBeforeTheDate) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, WithKey());
  h.Must(ReceiveFrom(h, "EARLY", "13800000001", kT0));
  h.Must(h.Withdraw("EARLY", kT0 + absl::Hours(1)));
  h.Must(ReceiveFrom(h, "LATE", "13800000002", kT0));
  h.Must(h.Withdraw("LATE", Shanghai("2022-06-20 09:00")));
  h.Must(ReceiveFrom(h, "OPEN", "13800000003", kT0));
  auto erased = h.Execute(
      EraseCommand(h, Shanghai("2022-06-30 11:00"), "", Shanghai("2022-06-10 00:00")));
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(Received(h.engine(), "EARLY").content(), engine::kErasedMask);
  EXPECT_EQ(Received(h.engine(), "LATE").content(), kContent);
  EXPECT_EQ(Received(h.engine(), "OPEN").content(), kContent);
}

TEST(PersonalDataTest, DataWrittenAfterAnErasureHasANewKeyOfTheSameCitizen) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, WithKey());
  h.Must(ReceiveFrom(h, "T1", "13800138000", kT0));
  h.Must(h.Dispatch("T1", kT0 + absl::Hours(1)));
  h.Must(h.Accept("T1", kT0 + absl::Hours(2)));
  h.Must(EraseCommand(h, kT0 + absl::Hours(3), "13800138000"));
  h.Must(h.Reply("T1", kT0 + absl::Hours(4)));
  auto history = h.engine().History("T1");
  ASSERT_TRUE(history.ok());
  const auto& received = history->front().event().ticket_received();
  EXPECT_EQ(received.content(), engine::kErasedMask);
  // Only the first text field shows the mask; none the citizen never gave.
  EXPECT_EQ(received.location(), "");
  EXPECT_EQ(received.media_url(), "");
  EXPECT_EQ(history->back().event().ticket_replied().result(), "已责令停工整改");

  // The new key is the same citizen's: a second request erases it too.
  h.Must(EraseCommand(h, kT0 + absl::Hours(5), "13800138000"));
  EXPECT_EQ(h.engine().History("T1")->back().event().ticket_replied().result(),
            engine::kErasedMask);
}

TEST(PersonalDataTest, AShredCutShortIsFinishedOnTheNextOpen) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, WithKey());
  h.Must(ReceiveFrom(h, "T1", "13800138000", kT0));
  h.Close();
  // The mark an erasure leaves until its shred is done, as after a crash.
  SetValue(h.path(), "secrets", "shred-owed", "");
  engine::EngineOptions keyless;  // shredding needs no key
  keyless.backfill = true;
  auto engine = engine::Engine::Open(h.path(), keyless);
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_EQ(*(*engine)->log().Get(store::Family::kSecrets, "shred-owed"), std::nullopt);
}

TEST(PersonalDataTest, BackupsHoldNoKeys) {
  EngineHarness h(Shanghai("2022-06-30 12:00"), true, WithKey());
  h.Must(ReceiveFrom(h, "T1", "13800138000", kT0));
  const std::string backup = h.path() + "-backup";
  ASSERT_TRUE(h.engine().Backup(backup).ok());
  EXPECT_EQ(Received(h.engine(), "T1").content(), kContent);
  for (const std::string& key : {kMasterKey, std::string()}) {
    engine::EngineOptions reader;
    reader.mode = store::OpenMode::kReadOnly;
    reader.master_key = key;
    auto copy = engine::Engine::Open(backup, reader);
    ASSERT_TRUE(copy.ok()) << copy.status();
    EXPECT_EQ(Received(**copy, "T1").content(),
              key.empty() ? engine::kEncryptedMask : engine::kErasedMask);
    EXPECT_TRUE((*copy)->Verify()->ok());
  }
  // A restored backup takes no personal data in the clear, nor another key.
  engine::EngineOptions writer;
  writer.backfill = true;
  auto restored = engine::Engine::Open(backup, writer);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->Execute(ReceiveFrom(h, "T2", "13800138001", kT0)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  restored->reset();
  writer.master_key = std::string(32, '\x01');
  EXPECT_EQ(engine::Engine::Open(backup, writer).status().code(),
            absl::StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(backup);
}

}  // namespace
}  // namespace hotline::testing
