// Feeds: what an auditor is handed, as `hotline verify-proof` and `import
// --verifier --checkpoint` read it: a verifier (or signer) key, a signed
// checkpoint and a proof document, split by lines "%%". A key that does not
// parse is replaced by the seed corpus's verifier key, so that the note and
// the proof are still reached.
//
// Asserts: no crash, hang or sanitizer report. Refusals are INVALID_ARGUMENT
// (malformed) or PERMISSION_DENIED (a signature or proof that does not
// verify), never anything else. A signer key that parses signs any
// checkpoint text of its tree head, and its verifier key opens that note to
// the same text. An accepted ticket proof holds events whose hashes are
// their content's chain hashes.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_split.h"
#include "engine/audit_proof.h"
#include "engine/event_codec.h"
#include "google/protobuf/util/json_util.h"
#include "hotline/v1/proof.pb.h"
#include "store/signed_note.h"

namespace {

namespace engine = hotline::engine;
namespace store = hotline::store;

// The verifier key of tests/fuzz/corpus/fuzz_audit's seeds.
constexpr char kSeedVerifier[] =
    "centre.example+b4565496+AYdBuB1rMLGND3v248KOEo7gkTpBpXfEz5NJaut01K5e";

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_audit: %s\n", what.c_str());
  std::abort();
}

void ExpectRefusal(const absl::Status& s, const char* what) {
  if (s.ok() || absl::IsInvalidArgument(s) || absl::IsPermissionDenied(s)) return;
  Fail(std::string(what) + " refused with another code: " + s.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts = absl::StrSplit(input, "%%\n");
  parts.resize(3);

  absl::StatusOr<store::SignerKey> signer = store::ParseSignerKey(parts[0]);
  ExpectRefusal(signer.status(), "ParseSignerKey");
  absl::StatusOr<store::VerifierKey> verifier = store::ParseVerifierKey(parts[0]);
  ExpectRefusal(verifier.status(), "ParseVerifierKey");
  if (!verifier.ok()) verifier = store::ParseVerifierKey(kSeedVerifier);
  if (!verifier.ok()) Fail("the seed verifier key does not parse");

  absl::StatusOr<std::string> text = store::OpenNote(*verifier, parts[1]);
  ExpectRefusal(text.status(), "OpenNote");
  absl::StatusOr<store::TreeHead> head =
      text.ok() ? store::ParseCheckpointText(*text) : store::ParseCheckpointText(parts[1]);
  ExpectRefusal(head.status(), "ParseCheckpointText");
  if (!head.ok()) return 0;

  if (signer.ok()) {
    const std::string body = store::FormatCheckpointText(*head);
    absl::StatusOr<std::string> note = store::SignNote(*signer, body);
    if (!note.ok()) Fail("a parsed signer key could not sign: " + note.status().ToString());
    absl::StatusOr<std::string> opened = store::OpenNote(store::VerifierOf(*signer), *note);
    if (!opened.ok() || *opened != body) Fail("a note signed here does not open to its text");
  }

  const absl::Status ticket = engine::CheckTicketProof(*head, parts[2]);
  ExpectRefusal(ticket, "CheckTicketProof");
  if (ticket.ok()) {
    hotline::v1::TicketProof proof;
    if (!google::protobuf::util::JsonStringToMessage(parts[2], &proof).ok()) {
      Fail("an accepted ticket proof does not parse");
    }
    for (const auto& p : proof.events()) {
      if (engine::ChainHashOf(p.event()) != p.event().hash()) {
        Fail("an accepted ticket proof holds an event whose hash is not its content's");
      }
    }
  }
  ExpectRefusal(engine::CheckConsistencyProof(*head, *head, parts[2]), "CheckConsistencyProof");
  return 0;
}
