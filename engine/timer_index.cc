#include "engine/timer_index.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/time_util.h"
#include "store/keys.h"

namespace hotline::engine {
namespace {

using hotline::v1::DeadlineKind;
using hotline::v1::TicketState;
using hotline::v1::TicketStatus;

constexpr uint64_t kSignBit = uint64_t{1} << 63;

bool Missed(const TicketState& s, DeadlineKind::Value kind) {
  return std::find(s.missed().begin(), s.missed().end(), kind) != s.missed().end();
}

void EncodeInstant(std::string* key, absl::Time t) {
  store::PutFixed64BE(key, static_cast<uint64_t>(absl::ToUnixMicros(t)) ^ kSignBit);
}

}  // namespace

std::vector<Obligation> Obligations(const TicketState& s) {
  std::vector<Obligation> out;
  auto add = [&](DeadlineKind::Value kind, const google::protobuf::Timestamp& deadline) {
    out.push_back({kind, FromProto(deadline), Missed(s, kind)});
  };
  switch (s.state()) {
    case TicketStatus::DISPATCHED:
      if (s.has_accept_deadline()) add(DeadlineKind::ACCEPT, s.accept_deadline());
      [[fallthrough]];
    case TicketStatus::IN_PROGRESS:
    case TicketStatus::RETURN_REQUESTED:
      if (s.has_handle_deadline()) add(DeadlineKind::HANDLE, s.handle_deadline());
      break;
    case TicketStatus::REPLIED:
      if (s.has_review_deadline()) add(DeadlineKind::REVIEW, s.review_deadline());
      break;
    case TicketStatus::AWAITING_RATING:
      if (s.has_rating_deadline()) add(DeadlineKind::RATING, s.rating_deadline());
      break;
    default:
      break;
  }
  return out;
}

std::string TimerKey(absl::string_view prefix, absl::Time deadline,
                     DeadlineKind::Value kind, absl::string_view ticket_id) {
  std::string key(prefix.data(), prefix.size());
  EncodeInstant(&key, deadline);
  key.push_back(static_cast<char>(kind));
  key.append(ticket_id.data(), ticket_id.size());
  return key;
}

std::string TimerKeyBound(absl::string_view prefix, absl::Time t) {
  std::string key(prefix.data(), prefix.size());
  EncodeInstant(&key, t);
  return key;
}

TimerIndexEntries IndexEntries(const TicketState& s) {
  TimerIndexEntries out;
  for (const Obligation& o : Obligations(s)) {
    out.emplace_back(TimerKey(kOpenTimerPrefix, o.deadline, o.kind, s.ticket_id()), s.lead_unit());
    if (!o.fired) {
      out.emplace_back(TimerKey(kDueTimerPrefix, o.deadline, o.kind, s.ticket_id()),
                       s.lead_unit());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void AppendTimerWrites(const TimerIndexEntries& before, const TimerIndexEntries& after,
                       std::vector<store::ExtraWrite>* writes) {
  // A merge of two sorted lists: keys only in `before` go, keys new or with
  // another value in `after` are written.
  auto old = before.begin();
  for (const auto& [key, value] : after) {
    for (; old != before.end() && old->first < key; ++old) {
      writes->push_back({store::Family::kProjections, old->first, std::nullopt});
    }
    const bool same = old != before.end() && old->first == key && old->second == value;
    if (old != before.end() && old->first == key) ++old;
    if (!same) writes->push_back({store::Family::kProjections, key, value});
  }
  for (; old != before.end(); ++old) {
    writes->push_back({store::Family::kProjections, old->first, std::nullopt});
  }
}

void AppendTimerWrites(const TicketState* before, const TicketState& after,
                       std::vector<store::ExtraWrite>* writes) {
  AppendTimerWrites(before != nullptr ? IndexEntries(*before) : TimerIndexEntries(),
                    IndexEntries(after), writes);
}

absl::Status ScanTimers(const store::EventLog& log, absl::string_view prefix,
                        absl::Time from, absl::Time to, size_t limit,
                        std::vector<TimerEntry>* out) {
  return log.ScanFamilyRange(
      store::Family::kProjections, TimerKeyBound(prefix, from), TimerKeyBound(prefix, to),
      [&](absl::string_view key, absl::string_view value) -> absl::Status {
        if (out->size() >= limit) return store::StopScan();
        const size_t fixed = prefix.size() + 9;
        if (key.size() <= fixed) {
          return absl::DataLossError(absl::StrCat("malformed timer key of ", key.size(), " bytes"));
        }
        TimerEntry entry;
        entry.deadline = absl::FromUnixMicros(static_cast<int64_t>(
            store::DecodeFixed64BE(key.data() + prefix.size()) ^ kSignBit));
        entry.kind = static_cast<DeadlineKind::Value>(key[prefix.size() + 8]);
        entry.ticket_id = std::string(key.substr(fixed));
        entry.lead_unit = std::string(value);
        out->push_back(std::move(entry));
        return absl::OkStatus();
      });
}

}  // namespace hotline::engine

