#include "engine/personal_data.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/command_validation.h"
#include "engine/event_codec.h"
#include "engine/personal_fields.h"
#include "engine/secret_box.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::Event;
using hotline::v1::EventEnvelope;

// The projections family (so that backups carry it) holds
//   "personal-data/check"    -> Seal(kek, "", kCheckAad): which master key
// Rows of the secrets family:
//   "shred-owed"             -> "" : keys deleted, not yet shredded
//   "t/" ticket              -> key id (8) || wrapped key || subject (0 or 16)
//   "s/" subject (16) ticket -> "" : the tickets of a subject
constexpr char kCheckRow[] = "personal-data/check";
constexpr char kShredOwedRow[] = "shred-owed";
constexpr char kCheckAad[] = "hotline master key check";
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kSubjectBytes = 16;
constexpr size_t kWrappedBytes = kSecretKeyBytes + kSealOverheadBytes;

std::string KeyRow(absl::string_view ticket) { return absl::StrCat("t/", ticket); }
std::string SubjectRow(absl::string_view subject, absl::string_view ticket) {
  return absl::StrCat("s/", subject, ticket);
}
// What a data key's wrapping and each sealed field set are bound to, so
// that neither can be moved to another ticket or key.
std::string WrapAad(absl::string_view ticket, absl::string_view key_id) {
  return absl::StrCat("data key:", ticket, ":", key_id);
}
std::string SealAad(absl::string_view ticket, absl::string_view key_id) {
  return absl::StrCat("personal fields:", ticket, ":", key_id);
}

// The phone number of a TicketReceived's personal fields, either version.
std::string PhoneOf(const Event& taken) {
  if (!taken.has_ticket_received()) return "";
  const auto& r = taken.ticket_received();
  return r.has_contact() ? r.contact().phone() : r.citizen().phone();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PersonalData>> PersonalData::Open(store::EventLog* log,
                                                                 std::string master_key) {
  const bool writable = log->options().mode == store::OpenMode::kReadWrite;
  if (writable) {
    // An erasure's shred cut short by a crash; it needs no key.
    HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> owed,
                             log->Get(store::Family::kSecrets, kShredOwedRow));
    if (owed.has_value()) HOTLINE_RETURN_IF_ERROR(ShredLog(log));
  }
  HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> check,
                           log->Get(store::Family::kProjections, kCheckRow));
  if (master_key.empty()) {
    return std::unique_ptr<PersonalData>(
        new PersonalData(log, "", std::nullopt, check.has_value()));
  }
  if (master_key.size() != kSecretKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "master key: must be ", kSecretKeyBytes, " bytes, not ", master_key.size()));
  }
  HOTLINE_ASSIGN_OR_RETURN(std::string kek, DeriveKey(master_key, "hotline data key wrapping"));
  HOTLINE_ASSIGN_OR_RETURN(std::string subject_key, DeriveKey(master_key, "hotline subject"));
  HOTLINE_ASSIGN_OR_RETURN(KeyedHash subject_hash, KeyedHash::Make(subject_key));
  if (check.has_value()) {
    if (!hotline::engine::Open(kek, *check, kCheckAad).ok()) {
      return absl::FailedPreconditionError(
          "the master key is not the one this store's personal data is sealed under");
    }
  } else if (writable) {
    HOTLINE_ASSIGN_OR_RETURN(std::string sealed, hotline::engine::Seal(kek, "", kCheckAad));
    // With a checkpoint's write, the store's one write not tied to an append.
    HOTLINE_RETURN_IF_ERROR(log->WriteCheckpoint(
        "personal-data", 0, {{store::Family::kProjections, kCheckRow, sealed}}));
  }
  return std::unique_ptr<PersonalData>(
      new PersonalData(log, std::move(kek), std::move(subject_hash), true));
}

absl::StatusOr<std::string> PersonalData::RawSubject(absl::string_view phone) const {
  if (!sealing()) {
    return absl::FailedPreconditionError("subject references need the master key");
  }
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  if (digits.empty()) return absl::InvalidArgumentError("phone: has no digits");
  HOTLINE_ASSIGN_OR_RETURN(std::string mac, subject_hash_->Hash(absl::StrCat("phone:", digits)));
  return mac.substr(0, kSubjectBytes);
}

absl::StatusOr<std::string> PersonalData::SubjectOf(absl::string_view phone) const {
  HOTLINE_ASSIGN_OR_RETURN(std::string raw, RawSubject(phone));
  return absl::BytesToHexString(raw);
}

absl::StatusOr<std::optional<PersonalData::DataKey>> PersonalData::LoadKey(
    absl::string_view ticket_id) const {
  HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> row,
                           log_->Get(store::Family::kSecrets, KeyRow(ticket_id)));
  if (!row.has_value()) return std::nullopt;
  const size_t fixed = kKeyIdBytes + kWrappedBytes;
  if (row->size() != fixed && row->size() != fixed + kSubjectBytes) {
    return absl::DataLossError(absl::StrCat("the data key of ticket '", ticket_id,
                                            "' is malformed"));
  }
  DataKey key;
  key.id = row->substr(0, kKeyIdBytes);
  key.subject = row->substr(fixed);
  HOTLINE_ASSIGN_OR_RETURN(key.key, hotline::engine::Open(kek_, row->substr(kKeyIdBytes, kWrappedBytes),
                                                          WrapAad(ticket_id, key.id)));
  return key;
}

absl::StatusOr<PersonalData::DataKey> PersonalData::MakeKey(
    absl::string_view ticket_id, std::string subject,
    std::vector<store::ExtraWrite>* writes) const {
  DataKey key;
  HOTLINE_ASSIGN_OR_RETURN(std::string random, RandomBytes(kKeyIdBytes + kSecretKeyBytes));
  key.id = random.substr(0, kKeyIdBytes);
  key.key = random.substr(kKeyIdBytes);
  OPENSSL_cleanse(random.data(), random.size());
  key.subject = std::move(subject);
  HOTLINE_ASSIGN_OR_RETURN(std::string wrapped,
                           hotline::engine::Seal(kek_, key.key, WrapAad(ticket_id, key.id)));
  writes->push_back({store::Family::kSecrets, KeyRow(ticket_id),
                     absl::StrCat(key.id, wrapped, key.subject)});
  if (!key.subject.empty()) {
    writes->push_back({store::Family::kSecrets, SubjectRow(key.subject, ticket_id), ""});
  }
  return key;
}

absl::Status PersonalData::Seal(absl::string_view ticket_id,
                                const std::vector<EventEnvelope*>& envelopes,
                                std::vector<store::ExtraWrite>* writes) const {
  if (!sealing()) {
    if (!store_seals_) return absl::OkStatus();
    for (EventEnvelope* envelope : envelopes) {
      Event event = envelope->event();
      Event fields;
      if (TakePersonalFields(&event, &fields)) {
        return absl::FailedPreconditionError(
            "this store seals personal data: a command carrying some needs its master key "
            "(--master-key-file)");
      }
    }
    return absl::OkStatus();
  }
  std::vector<std::pair<EventEnvelope*, Event>> taken;
  std::string phone;
  for (EventEnvelope* envelope : envelopes) {
    Event fields;
    if (!TakePersonalFields(envelope->mutable_event(), &fields)) continue;
    if (phone.empty()) phone = PhoneOf(fields);
    taken.emplace_back(envelope, std::move(fields));
  }
  if (taken.empty()) return absl::OkStatus();
  // A ticket's first event is its receipt (a ticket id is received once):
  // no key to look for then.
  std::optional<DataKey> key;
  if (!taken.front().second.has_ticket_received()) {
    HOTLINE_ASSIGN_OR_RETURN(key, LoadKey(ticket_id));
  }
  if (!key.has_value()) {
    std::string subject;
    if (!phone.empty()) {
      absl::StatusOr<std::string> raw = RawSubject(phone);
      if (raw.ok()) subject = *std::move(raw);  // a number without digits names nobody
    } else {
      // A ticket written to after its erasure stays the citizen's.
      HOTLINE_ASSIGN_OR_RETURN(subject, ErasedSubjectOf(ticket_id));
    }
    HOTLINE_ASSIGN_OR_RETURN(key, MakeKey(ticket_id, std::move(subject), writes));
  }
  for (auto& [envelope, fields] : taken) {
    HOTLINE_ASSIGN_OR_RETURN(std::string sealed,
                             hotline::engine::Seal(key->key, fields.SerializeAsString(),
                                                   SealAad(ticket_id, key->id)));
    envelope->set_sealed(absl::StrCat(key->id, sealed));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PersonalData::ErasedSubjectOf(absl::string_view ticket_id) const {
  HOTLINE_ASSIGN_OR_RETURN(std::vector<store::Record> erasures,
                           log_->ReadStream(kErasureStream));
  std::string subject;
  for (const store::Record& record : erasures) {
    EventEnvelope envelope;
    HOTLINE_RETURN_IF_ERROR(DecodeStoredEvent(record, &envelope));
    const auto& erased = envelope.event().citizen_data_erased();
    if (erased.subject().empty()) continue;
    for (const std::string& ticket : erased.ticket_ids()) {
      if (ticket == ticket_id) subject = absl::HexStringToBytes(erased.subject());
    }
  }
  return subject.size() == kSubjectBytes ? subject : "";
}

absl::StatusOr<bool> PersonalData::Unseal(EventEnvelope* envelope) const {
  if (envelope->sealed().empty()) return true;
  if (!sealing()) return false;
  const std::string& ticket = envelope->stream_id();
  const absl::string_view sealed = envelope->sealed();
  HOTLINE_ASSIGN_OR_RETURN(std::optional<DataKey> key, LoadKey(ticket));
  if (!key.has_value() || sealed.size() < kKeyIdBytes ||
      sealed.substr(0, kKeyIdBytes) != key->id) {
    return false;
  }
  absl::StatusOr<std::string> plain = hotline::engine::Open(
      key->key, sealed.substr(kKeyIdBytes), SealAad(ticket, key->id));
  Event fields;
  if (!plain.ok() || !fields.ParseFromString(*plain) ||
      fields.payload_case() != envelope->event().payload_case()) {
    return absl::DataLossError(absl::StrCat("the sealed personal fields of the event at sequence ",
                                            envelope->sequence(), " do not open"));
  }
  envelope->mutable_event()->MergeFrom(fields);
  envelope->clear_sealed();
  return true;
}

absl::Status PersonalData::Reveal(EventEnvelope* envelope) const {
  HOTLINE_ASSIGN_OR_RETURN(bool unsealed, Unseal(envelope));
  if (!unsealed) {
    MaskPersonalFields(envelope->mutable_event(), sealing() ? kErasedMask : kEncryptedMask);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> PersonalData::TicketsOf(
    absl::string_view subject) const {
  const bool hex = subject.size() == 2 * kSubjectBytes &&
                   subject.find_first_not_of("0123456789abcdef") == absl::string_view::npos;
  if (!hex) return absl::InvalidArgumentError("subject: must be 32 lowercase hex digits");
  const std::string raw = absl::HexStringToBytes(subject);
  std::vector<std::string> tickets;
  const std::string prefix = SubjectRow(raw, "");
  HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(
      store::Family::kSecrets, prefix, [&](absl::string_view key, absl::string_view) {
        tickets.emplace_back(key.substr(prefix.size()));
        return absl::OkStatus();
      }));
  return tickets;
}

absl::StatusOr<bool> PersonalData::HasKey(absl::string_view ticket_id) const {
  HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> row,
                           log_->Get(store::Family::kSecrets, KeyRow(ticket_id)));
  return row.has_value();
}

absl::StatusOr<std::vector<store::ExtraWrite>> PersonalData::KeyDeletes(
    const std::vector<std::string>& tickets) const {
  std::vector<store::ExtraWrite> writes = {{store::Family::kSecrets, kShredOwedRow, ""}};
  for (const std::string& ticket : tickets) {
    // Not unwrapped: a damaged key row is deleted like any other.
    HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> row,
                             log_->Get(store::Family::kSecrets, KeyRow(ticket)));
    if (!row.has_value()) continue;
    writes.push_back({store::Family::kSecrets, KeyRow(ticket), std::nullopt});
    if (row->size() == kKeyIdBytes + kWrappedBytes + kSubjectBytes) {
      writes.push_back({store::Family::kSecrets,
                        SubjectRow(row->substr(kKeyIdBytes + kWrappedBytes), ticket),
                        std::nullopt});
    }
  }
  return writes;
}

absl::Status PersonalData::ShredLog(store::EventLog* log) {
  HOTLINE_RETURN_IF_ERROR(log->Shred());
  return log->WriteCheckpoint("personal-data", 0,
                              {{store::Family::kSecrets, kShredOwedRow, std::nullopt}});
}

absl::Status PersonalData::Shred() const { return ShredLog(log_); }

absl::Status PersonalData::ShredIfOwed() const {
  HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> owed,
                           log_->Get(store::Family::kSecrets, kShredOwedRow));
  return owed.has_value() ? Shred() : absl::OkStatus();
}

absl::StatusOr<std::string> PersonalData::DataKeyForTesting(absl::string_view ticket_id) const {
  HOTLINE_ASSIGN_OR_RETURN(std::optional<DataKey> key, LoadKey(ticket_id));
  if (!key.has_value()) {
    return absl::NotFoundError(absl::StrCat("ticket '", ticket_id, "' has no data key"));
  }
  return key->key;
}

}  // namespace hotline::engine
