#include "engine/audit_proof.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/event_codec.h"
#include "engine/export_format.h"
#include "engine/json_codec.h"
#include "google/protobuf/util/json_util.h"
#include "hotline/v1/proof.pb.h"
#include "store/merkle.h"
#include "store/status_macros.h"
#include "store/transparency.h"

namespace hotline::engine {
namespace {

std::string HashList(const std::vector<std::string>& hashes) {
  std::vector<std::string> quoted;
  for (const std::string& h : hashes) quoted.push_back(JsonQuote(absl::Base64Escape(h)));
  return absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
}

// A 32-byte hash from its canonical base64 (re-encoding gives the same
// text: a flipped padding bit is not the same hash written differently).
absl::StatusOr<std::string> HashFrom(absl::string_view b64, absl::string_view what) {
  std::string raw;
  if (!absl::Base64Unescape(b64, &raw) || raw.size() != 32 || absl::Base64Escape(raw) != b64) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not the base64 of a 32-byte hash"));
  }
  return raw;
}

absl::StatusOr<std::vector<std::string>> HashesFrom(
    const google::protobuf::RepeatedPtrField<std::string>& list, absl::string_view what) {
  std::vector<std::string> out;
  for (int i = 0; i < list.size(); ++i) {
    HOTLINE_ASSIGN_OR_RETURN(std::string h, HashFrom(list[i], absl::StrCat(what, "[", i, "]")));
    out.push_back(std::move(h));
  }
  return out;
}

absl::Status Parse(absl::string_view json, google::protobuf::Message* out) {
  if (json.size() > kMaxProofBytes) {
    return absl::InvalidArgumentError(absl::StrCat("proof: over ", kMaxProofBytes, " bytes"));
  }
  const auto s = google::protobuf::util::JsonStringToMessage(std::string(json), out);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("proof: ", s.message().as_string()));
  return absl::OkStatus();
}

absl::Status Denied(absl::string_view what) { return absl::PermissionDeniedError(what); }

}  // namespace

absl::StatusOr<store::TreeHead> TreeHeadAt(const store::EventLog& log, const std::string& origin,
                                           std::optional<uint64_t> size) {
  store::TreeHead head;
  head.origin = origin;
  head.size = size.value_or(log.head().sequence);
  HOTLINE_ASSIGN_OR_RETURN(head.root_hash, store::TreeRoot(log, head.size));
  return head;
}

absl::StatusOr<std::string> DefaultOrigin(const store::EventLog& log) {
  if (log.head().sequence == 0) {
    return absl::FailedPreconditionError("an empty log has no checkpoint to sign yet");
  }
  HOTLINE_ASSIGN_OR_RETURN(store::Record first, log.Read(1));
  return absl::StrCat("hotline/", absl::BytesToHexString(first.hash.substr(0, 8)));
}

absl::StatusOr<std::string> SignedCheckpoint(const store::EventLog& log,
                                             const store::SignerKey& key,
                                             std::optional<std::string> origin,
                                             std::optional<uint64_t> size) {
  if (!origin.has_value()) {
    HOTLINE_ASSIGN_OR_RETURN(origin, DefaultOrigin(log));
  }
  HOTLINE_ASSIGN_OR_RETURN(store::TreeHead head, TreeHeadAt(log, *origin, size));
  return store::SignNote(key, store::FormatCheckpointText(head));
}

absl::StatusOr<std::string> TicketProofJson(const Engine& engine, const std::string& ticket_id,
                                            uint64_t size) {
  HOTLINE_ASSIGN_OR_RETURN(const std::string root, store::TreeRoot(engine.log(), size));
  // The events as written, not as read today: the verifier recomputes each
  // chain hash from the event in the proof.
  HOTLINE_ASSIGN_OR_RETURN(std::vector<store::Record> records,
                           engine.log().ReadStream(ticket_id));
  std::vector<std::string> events;
  hotline::v1::EventEnvelope e;
  for (const store::Record& record : records) {
    if (record.sequence > size) break;
    HOTLINE_RETURN_IF_ERROR(DecodeStoredEvent(record, &e));
    HOTLINE_ASSIGN_OR_RETURN(std::vector<std::string> path,
                             store::InclusionProof(engine.log(), e.sequence(), size));
    events.push_back(absl::StrCat("{\"sequence\":", e.sequence(), ",\"leafIndex\":",
                                  e.sequence() - 1, ",\"event\":", ToJson(e),
                                  ",\"inclusionProof\":", HashList(path), "}"));
  }
  if (events.empty()) {
    return absl::NotFoundError(
        absl::StrCat("ticket '", ticket_id, "' has no event in the tree of ", size, " records"));
  }
  return absl::StrCat("{\"treeSize\":", size, ",\"rootHash\":",
                      JsonQuote(absl::Base64Escape(root)), ",\"events\":[",
                      absl::StrJoin(events, ","), "]}\n");
}

absl::StatusOr<std::string> ConsistencyProofJson(const store::EventLog& log, uint64_t from_size,
                                                 uint64_t size) {
  HOTLINE_ASSIGN_OR_RETURN(std::vector<std::string> proof,
                           store::ConsistencyProof(log, from_size, size));
  return absl::StrCat("{\"fromSize\":", from_size, ",\"treeSize\":", size,
                      ",\"consistencyProof\":", HashList(proof), "}\n");
}

absl::Status CheckTicketProof(const store::TreeHead& head, absl::string_view json) {
  hotline::v1::TicketProof proof;
  HOTLINE_RETURN_IF_ERROR(Parse(json, &proof));
  HOTLINE_ASSIGN_OR_RETURN(const std::string root, HashFrom(proof.root_hash(), "rootHash"));
  if (proof.tree_size() != head.size || root != head.root_hash) {
    return Denied(absl::StrCat("the proof is for the tree of ", proof.tree_size(),
                               " records with another root than the checkpoint's (",
                               head.size, " records)"));
  }
  if (proof.events().empty()) return Denied("the proof holds no event");
  const std::string& stream = proof.events(0).event().stream_id();
  uint64_t version = 0;
  for (const hotline::v1::ProvenEvent& p : proof.events()) {
    const auto& e = p.event();
    const std::string where = absl::StrCat("event ", p.sequence());
    // One ticket's events from its first, none left out between: an
    // inclusion proof alone shows an event is in the log, not that the
    // proof holds all of the ticket's.
    if (e.stream_id() != stream || e.stream_version() != ++version) {
      return Denied(absl::StrCat(where, ": not version ", version, " of '", stream,
                                 "' (the proof must hold one ticket's events in order, none "
                                 "left out)"));
    }
    if (e.sequence() != p.sequence() || p.leaf_index() + 1 != p.sequence()) {
      return Denied(absl::StrCat(where, ": sequence, leafIndex and the event disagree"));
    }
    if (ChainHashOf(e) != e.hash()) {
      return Denied(absl::StrCat(where, ": its hash is not the hash of its content (altered)"));
    }
    HOTLINE_ASSIGN_OR_RETURN(std::vector<std::string> path,
                             HashesFrom(p.inclusion_proof(), absl::StrCat(where, " inclusionProof")));
    if (!store::merkle::VerifyInclusion(p.leaf_index(), head.size,
                                        store::merkle::LeafHash(e.hash()), path,
                                        head.root_hash)) {
      return Denied(absl::StrCat(where, ": its inclusion proof does not lead to the signed root"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckConsistencyProof(const store::TreeHead& old_head, const store::TreeHead& head,
                                   absl::string_view json) {
  hotline::v1::ConsistencyProof proof;
  HOTLINE_RETURN_IF_ERROR(Parse(json, &proof));
  if (old_head.origin != head.origin) {
    return Denied(absl::StrCat("the checkpoints are of two logs: '", old_head.origin, "' and '",
                               head.origin, "'"));
  }
  if (proof.from_size() != old_head.size || proof.tree_size() != head.size) {
    return Denied(absl::StrCat("the proof is from ", proof.from_size(), " to ",
                               proof.tree_size(), " records; the checkpoints are at ",
                               old_head.size, " and ", head.size));
  }
  HOTLINE_ASSIGN_OR_RETURN(std::vector<std::string> path,
                           HashesFrom(proof.consistency_proof(), "consistencyProof"));
  if (!store::merkle::VerifyConsistency(old_head.size, head.size, old_head.root_hash,
                                        head.root_hash, path)) {
    return Denied(absl::StrCat("the tree of ", head.size, " records does not extend the tree of ",
                               old_head.size, " records the older checkpoint signed"));
  }
  return absl::OkStatus();
}

absl::Status CheckExportAgainst(const std::string& path, bool binary,
                                const store::TreeHead& head) {
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<EnvelopeReader> reader,
                           EnvelopeReader::Open(path, binary));
  store::merkle::Frontier tree;
  hotline::v1::EventEnvelope e;
  while (tree.size() < head.size) {
    HOTLINE_ASSIGN_OR_RETURN(bool more, reader->Next(&e));
    if (!more) {
      return Denied(absl::StrCat("the file holds ", tree.size(), " events; the checkpoint signs ",
                                 head.size));
    }
    tree.Append(store::merkle::LeafHash(ChainHashOf(e)));
  }
  if (tree.Root() != head.root_hash) {
    return Denied(absl::StrCat("the first ", head.size,
                               " events of the file are not the log the checkpoint signed "
                               "(another root: altered, or forged and rehashed)"));
  }
  return absl::OkStatus();
}

}  // namespace hotline::engine
