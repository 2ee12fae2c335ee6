// What an auditor holds instead of the store (engine/audit_proof.h): a
// ticket's proof and a consistency proof checked against signed tree heads
// with no store, and an export forged and rehashed to a self-consistent
// chain, which the chain alone accepts and the signed root refuses.

#include "engine/audit_proof.h"

#include <fstream>
#include <sstream>

#include "engine/event_codec.h"
#include "engine/export_format.h"
#include "engine/json_codec.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "store/signed_note.h"
#include "store/transparency.h"
#include "tests/engine_harness.h"

namespace hotline::testing {
namespace {

using ::testing::HasSubstr;

// A tree head taken as an auditor would: signed, then opened with the
// verifier key alone.
store::TreeHead SignedHead(const store::EventLog& log, const store::SignerKey& key) {
  auto head = engine::TreeHeadAt(log, "hotline/test", std::nullopt);
  EXPECT_TRUE(head.ok()) << head.status();
  auto note = store::SignNote(key, store::FormatCheckpointText(*head));
  auto text = store::OpenNote(store::VerifierOf(key), *note);
  return store::ParseCheckpointText(*text).value();
}

class AuditProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = store::GenerateSignerKey("centre.example").value();
    const absl::Time at = h_.engine().Now() - absl::Hours(2);
    h_.Must(h_.Receive("T1", at));
    h_.Must(h_.Dispatch("T1", at + absl::Minutes(5)));
    h_.Must(h_.Receive("T2", at + absl::Minutes(6)));
  }

  EngineHarness h_{Shanghai("2022-06-30 12:00"), true, [](engine::EngineOptions& o) {
                     o.maintain_statistics = false;
                   }};
  store::SignerKey key_;
};

TEST_F(AuditProofTest, ATicketStaysProvenAfterTenThousandLaterEvents) {
  const store::TreeHead old_head = SignedHead(h_.engine().log(), key_);
  const std::string old_proof = engine::TicketProofJson(h_.engine(), "T1", old_head.size).value();
  EXPECT_TRUE(engine::CheckTicketProof(old_head, old_proof).ok());

  const absl::Time at = h_.engine().Now() - absl::Hours(1);
  for (int i = 0; i < 10000; ++i) h_.Must(h_.Receive(absl::StrCat("L", i), at));
  const store::TreeHead head = SignedHead(h_.engine().log(), key_);
  ASSERT_EQ(head.size, old_head.size + 10000);
  // The old proof still holds against the old checkpoint; a new one against
  // the new; and the new tree extends the old.
  EXPECT_TRUE(engine::CheckTicketProof(old_head, old_proof).ok());
  const std::string proof = engine::TicketProofJson(h_.engine(), "T1", head.size).value();
  EXPECT_TRUE(engine::CheckTicketProof(head, proof).ok());
  const std::string consistency =
      engine::ConsistencyProofJson(h_.engine().log(), old_head.size, head.size).value();
  EXPECT_TRUE(engine::CheckConsistencyProof(old_head, head, consistency).ok());
  // Not the other way round, and not against another log's checkpoint.
  EXPECT_EQ(engine::CheckTicketProof(old_head, proof).code(), absl::StatusCode::kPermissionDenied);
  store::TreeHead other = head;
  other.origin = "hotline/elsewhere";
  EXPECT_EQ(engine::CheckConsistencyProof(old_head, other, consistency).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AuditProofTest, EveryFlippedByteOfAProofIsRefused) {
  const store::TreeHead head = SignedHead(h_.engine().log(), key_);
  for (const std::string& proof :
       {engine::TicketProofJson(h_.engine(), "T1", head.size).value(),
        engine::ConsistencyProofJson(h_.engine().log(), 2, head.size).value()}) {
    const bool ticket = proof.find("\"events\"") != std::string::npos;
    store::TreeHead old_head = head;
    old_head.size = 2;
    old_head.root_hash = store::TreeRoot(h_.engine().log(), 2).value();
    auto check = [&](const std::string& text) {
      return ticket ? engine::CheckTicketProof(head, text)
                    : engine::CheckConsistencyProof(old_head, head, text);
    };
    ASSERT_TRUE(check(proof).ok());
    // The final newline is outside the document; every other byte counts.
    for (size_t i = 0; i + 1 < proof.size(); ++i) {
      std::string flipped = proof;
      flipped[i] ^= 1;
      EXPECT_FALSE(check(flipped).ok()) << "byte " << i << " of " << proof;
    }
  }
}

TEST_F(AuditProofTest, AForgedRehashedExportImportsButFailsTheSignedRoot) {
  const store::TreeHead head = SignedHead(h_.engine().log(), key_);
  TempDir dir;
  std::stringstream exported;
  ASSERT_TRUE(engine::ExportEvents(h_.engine().log(), &exported, false, false).ok());
  const std::string honest = dir.Sub("honest.jsonl");
  std::ofstream(honest) << exported.str();
  EXPECT_TRUE(engine::CheckExportAgainst(honest, false, head).ok());

  // An insider rewrites T1's appeal and recomputes every hash after it.
  std::string forged_text, line, prev;
  bool rewritten = false;
  for (std::istringstream in(exported.str()); std::getline(in, line);) {
    hotline::v1::EventEnvelope e;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &e).ok());
    if (!rewritten && e.event().has_ticket_received()) {
      e.mutable_event()->mutable_ticket_received()->set_content("nothing was ever reported");
      rewritten = true;
    }
    if (!prev.empty()) e.set_prev_hash(prev);
    e.set_hash(engine::ChainHashOf(e));
    prev = e.hash();
    forged_text += engine::ToJson(e) + "\n";
  }
  const std::string forged = dir.Sub("forged.jsonl");
  std::ofstream(forged) << forged_text;
  // The chain alone cannot tell...
  EngineHarness copy(h_.engine().Now(), true, nullptr, /*seed=*/false);
  EXPECT_TRUE(copy.engine().Import(forged, false).ok());
  // ...the signed root can.
  const absl::Status refused = engine::CheckExportAgainst(forged, false, head);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.message(), HasSubstr("not the log the checkpoint signed"));
}

}  // namespace
}  // namespace hotline::testing
