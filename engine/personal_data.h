#ifndef HOTLINE_ENGINE_PERSONAL_DATA_H_
#define HOTLINE_ENGINE_PERSONAL_DATA_H_

// PersonalData: citizens' personal data sealed so that it can be erased
// from an immutable log (crypto-shredding; docs/personal-data.md).
//
// Each ticket whose events hold personal fields (the `personal` option) has
// a random 256-bit data key; those fields are stored only sealed under it
// (AES-256-GCM, EventEnvelope.sealed). Data keys are kept wrapped by a key
// derived from the operator's master key, in the store's secrets family:
// outside the hash chain, in no backup or replica. The citizen is known to
// it only as a subject reference, a keyed hash of the normalised phone
// number. Deleting a ticket's data key erases its personal fields from every
// copy of the log at once, while every event, hash, report and proof stays.
//
// Without a master key nothing is sealed (a store that never had one keeps
// writing personal fields in the clear, as before this component), and
// sealed fields read as "[encrypted]". A store that has sealed under a key
// refuses personal fields without it.
//
// Thread safety: all methods may be called concurrently.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/secret_box.h"
#include "hotline/v1/events.pb.h"
#include "store/event_log.h"

namespace hotline::engine {

// How withheld personal fields read: without the master key, and once the
// data key is gone (erased, or a copy of the store, which holds no keys).
inline constexpr char kEncryptedMask[] = "[encrypted]";
inline constexpr char kErasedMask[] = "[erased]";

class PersonalData {
 public:
  // For the store of `log`, which must outlive it. `master_key`: empty for
  // none, else 32 bytes (INVALID_ARGUMENT otherwise). FAILED_PRECONDITION
  // when the store was sealed under another master key. A read-write log
  // sealing for the first time records a check of the key (in a family
  // that backups copy); one that owes a Shred (a crash after an erasure) is
  // shredded, with or without a key.
  static absl::StatusOr<std::unique_ptr<PersonalData>> Open(store::EventLog* log,
                                                            std::string master_key);

  // True when a master key was given: new personal fields are sealed.
  bool sealing() const { return !kek_.empty(); }

  // Seals the personal fields of `envelopes`, the events one command appends
  // to the stream of `ticket_id`, under the ticket's data key, which is made
  // (its writes added to `writes`) when the ticket has none. The subject of
  // a new key is the phone number of a TicketReceived among them, or the
  // one an erasure of the ticket named (a ticket written to after its
  // erasure stays erasable by phone). Without a
  // master key: nothing, or FAILED_PRECONDITION when the store has sealed
  // under one and an event has personal fields (never written in the clear
  // there).
  absl::Status Seal(absl::string_view ticket_id,
                    const std::vector<hotline::v1::EventEnvelope*>& envelopes,
                    std::vector<store::ExtraWrite>* writes) const;

  // Unseal, or, when the fields cannot be read, sets them to kEncryptedMask
  // (no master key) or kErasedMask (no data key), `sealed` kept. DATA_LOSS
  // when the sealed bytes do not open under the ticket's key.
  absl::Status Reveal(hotline::v1::EventEnvelope* envelope) const;

  // Puts the sealed personal fields back into the event and clears
  // `sealed`: true when done (or nothing was sealed), false when they cannot
  // be read (no master key, or no data key), the envelope untouched.
  // DATA_LOSS as Reveal.
  absl::StatusOr<bool> Unseal(hotline::v1::EventEnvelope* envelope) const;

  // The subject reference of a phone number: 32 hex digits of the keyed
  // hash of its digits (every other character dropped). INVALID_ARGUMENT for
  // a number without digits, FAILED_PRECONDITION without a master key.
  absl::StatusOr<std::string> SubjectOf(absl::string_view phone) const;

  // The tickets whose data key names `subject` (a SubjectOf result).
  absl::StatusOr<std::vector<std::string>> TicketsOf(absl::string_view subject) const;

  // Whether the ticket has a data key.
  absl::StatusOr<bool> HasKey(absl::string_view ticket_id) const;

  // The writes that delete the data keys of `tickets` (and their subject
  // index entries), to commit atomically with the erasure's event, then
  // call Shred. They begin with a mark that Shred is owed: a store opened
  // with the mark (a crash came between) shreds first.
  absl::StatusOr<std::vector<store::ExtraWrite>> KeyDeletes(
      const std::vector<std::string>& tickets) const;

  // Forces deleted keys off the disk (EventLog::Shred) and clears the mark.
  absl::Status Shred() const;
  // Shred, when an earlier one is owed.
  absl::Status ShredIfOwed() const;

  // The ticket's data key unwrapped, for tests that search a store's bytes
  // for it; NOT_FOUND when it has none.
  absl::StatusOr<std::string> DataKeyForTesting(absl::string_view ticket_id) const;

 private:
  struct DataKey {
    std::string id;       // 8 random bytes, recorded with each sealed field set
    std::string key;      // 32 bytes
    std::string subject;  // 16 bytes, empty when unknown
  };

  PersonalData(store::EventLog* log, std::string kek, std::optional<KeyedHash> subject_hash,
               bool store_seals)
      : log_(log),
        kek_(std::move(kek)),
        subject_hash_(std::move(subject_hash)),
        store_seals_(store_seals) {}

  // The ticket's data key, nullopt when it has none.
  absl::StatusOr<std::optional<DataKey>> LoadKey(absl::string_view ticket_id) const;
  // A new data key and the writes that store it.
  absl::StatusOr<DataKey> MakeKey(absl::string_view ticket_id, std::string subject,
                                  std::vector<store::ExtraWrite>* writes) const;
  // EventLog::Shred, then the mark cleared.
  static absl::Status ShredLog(store::EventLog* log);
  // The subject an erasure named for `ticket_id` (raw), empty when none did:
  // for a key made after the ticket's erasure.
  absl::StatusOr<std::string> ErasedSubjectOf(absl::string_view ticket_id) const;
  // The raw 16-byte subject of a phone number.
  absl::StatusOr<std::string> RawSubject(absl::string_view phone) const;

  store::EventLog* const log_;
  const std::string kek_;          // wraps data keys; empty without a master key
  const std::optional<KeyedHash> subject_hash_;  // the subject hash's key
  const bool store_seals_;         // the store has sealed under a master key
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_PERSONAL_DATA_H_
