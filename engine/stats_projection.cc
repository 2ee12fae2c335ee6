#include "engine/stats_projection.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/event_codec.h"
#include "engine/fault_list.h"
#include "engine/held_entries.h"
#include "engine/ticket_streams_fold.h"
#include "engine/time_util.h"
#include "store/keys.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::StatsTrack;

constexpr char kZoneKey[] = "stats/zone";
constexpr char kMonthPrefix[] = "stats/m/";
constexpr char kTrackPrefix[] = "stats/t/";

std::string MonthName(absl::CivilMonth m) { return absl::FormatCivilTime(m); }

std::string RowStorageKey(absl::CivilMonth month, const RowKey& row) {
  return absl::StrCat(kMonthPrefix, MonthName(month), "/",
                      std::string(1, '0' + static_cast<int>(row.kind)), row.key);
}

std::string EncodeCounters(const Counters& c) {
  std::string out;
  for (int64_t v : c) store::PutFixed64BE(&out, static_cast<uint64_t>(v));
  return out;
}

absl::StatusOr<Counters> DecodeCounters(absl::string_view bytes, absl::string_view key) {
  if (bytes.size() != 8 * kCounterCount) {
    return absl::DataLossError(absl::StrCat("stats row ", key, " has ", bytes.size(), " bytes"));
  }
  Counters c;
  for (int i = 0; i < kCounterCount; ++i) {
    c[i] = static_cast<int64_t>(store::DecodeFixed64BE(bytes.data() + 8 * i));
  }
  return c;
}

// Parses "<kind><key>" after the month's prefix.
RowKey ParseRow(absl::string_view suffix) {
  return RowKey{static_cast<RowKind>(suffix[0] - '0'), std::string(suffix.substr(1))};
}

absl::Time MonthStart(absl::CivilMonth m, absl::TimeZone zone) {
  return zone.At(absl::CivilSecond(m)).pre;
}

}  // namespace

// Buckets contributions by the month of their anchor, as of the month's end.
class StatsProjection::Sink : public StatsSink {
 public:
  Sink(absl::TimeZone zone, Pending* pending) : zone_(zone), pending_(pending) {}

  void Add(absl::Time anchor, absl::Time at, const RowKey& row, Counter counter,
           int64_t delta) override {
    // Months are looked up in the zone once each: events come in time order,
    // so nearly every anchor falls in the month of the one before.
    if (anchor < month_start_ || anchor >= month_end_) {
      month_ = absl::ToCivilMonth(anchor, zone_);
      month_start_ = MonthStart(month_, zone_);
      month_end_ = MonthStart(month_ + 1, zone_);
    }
    if (at >= month_end_) return;  // after the default as_of
    pending_->rows[{month_, row}][counter] += delta;
  }

  // Each month whose end falls in (from, to] with the deadline passed by then.
  void Owed(const std::string& unit, absl::Time from, absl::Time to,
            absl::Time deadline) override {
    for (absl::CivilMonth m = absl::ToCivilMonth(from, zone_);; ++m) {
      const absl::Time end = MonthStart(m + 1, zone_);
      if (end > to) break;
      if (deadline < end) {
        for (const RowKey& row : {RowKey{RowKind::kTotal, ""}, RowKey{RowKind::kUnit, unit}}) {
          pending_->rows[{m, row}][kOverdueOpen] += 1;
        }
      }
    }
  }

 private:
  absl::TimeZone zone_;
  Pending* pending_;
  // The month of the last anchor and its bounds in zone_.
  absl::CivilMonth month_;
  absl::Time month_start_ = absl::InfiniteFuture();
  absl::Time month_end_ = absl::InfinitePast();
};

absl::Status StatsProjection::Fold(uint64_t from, uint64_t through, absl::TimeZone zone,
                                   Pending* pending, bool load_stored) const {
  Sink sink(zone, pending);
  hotline::v1::EventEnvelope envelope;
  return log_->Scan(from + 1, through, [&](const store::Record& record) -> absl::Status {
    if (record.stream_id.starts_with('$')) return absl::OkStatus();
    auto [it, inserted] = pending->tracks.try_emplace(record.stream_id);
    HeldTrack& held = it->second;
    // A stream's first event starts its ticket: nothing stored to read.
    if (inserted && load_stored && record.stream_version > 1) {
      HOTLINE_ASSIGN_OR_RETURN(
          std::optional<std::string> stored,
          log_->Get(store::Family::kProjections, kTrackPrefix + record.stream_id));
      if (stored.has_value() && !held.track.ParseFromString(*stored)) {
        return absl::DataLossError(
            absl::StrCat("stats record of ticket ", record.stream_id, " does not parse"));
      }
    }
    envelope.Clear();
    HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
    FoldStatsEvent(envelope, &held.track, &sink);
    held.batch = pending->batch;
    held.dirty = true;
    return absl::OkStatus();
  });
}

absl::Status StatsProjection::Flush(uint64_t through, const std::string& zone_name,
                                    bool last, Pending* pending) {
  std::vector<store::ExtraWrite> writes;
  for (const auto& [month_row, delta] : pending->rows) {
    const std::string key = RowStorageKey(month_row.first, month_row.second);
    HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                             log_->Get(store::Family::kProjections, key));
    Counters sum{};
    if (stored.has_value()) {
      HOTLINE_ASSIGN_OR_RETURN(sum, DecodeCounters(*stored, key));
    }
    for (int i = 0; i < kCounterCount; ++i) sum[i] += delta[i];
    writes.push_back({store::Family::kProjections, key, EncodeCounters(sum)});
  }
  // Records touched lately stay held, so that the next batches need not
  // read them back. A changed record is stored with this checkpoint: a
  // crash loses nothing folded.
  SweepHeld(&pending->tracks, [&](const std::string& id, HeldTrack& held) {
    const bool keep = !last && StaysHeld(held.batch, pending->batch);
    if (held.dirty) {
      writes.push_back(
          {store::Family::kProjections, kTrackPrefix + id, held.track.SerializeAsString()});
      held.dirty = false;
    }
    return keep;
  });
  writes.push_back({store::Family::kProjections, kZoneKey, zone_name});
  pending->rows.clear();
  ++pending->batch;
  return log_->WriteCheckpoint(kCheckpoint, through, writes);
}

absl::Status StatsProjection::CatchUp(absl::TimeZone zone) {
  absl::MutexLock lock(&mu_);
  const bool writable = log_->options().mode == store::OpenMode::kReadWrite;
  HOTLINE_ASSIGN_OR_RETURN(uint64_t checkpoint, log_->ReadCheckpoint(kCheckpoint));
  HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> stored_zone,
                           log_->Get(store::Family::kProjections, kZoneKey));
  if (checkpoint > 0 && stored_zone.value_or("") != zone.name()) {
    if (!writable) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the statistics projection counts months in ", stored_zone.value_or("?"),
          ", the policy now in ", zone.name()));
    }
    HOTLINE_RETURN_IF_ERROR(ResetLocked());
    checkpoint = 0;
  }
  const uint64_t head = log_->head().sequence;
  if (!writable) {
    // Fold what the stored projection lacks into memory, once. When a
    // secondary's catch-up moved the stored checkpoint, the memory is
    // folded again from there: part of it may be stored now, and counting
    // it twice would overstate the month.
    if (checkpoint != memory_base_ || memory_position_ < checkpoint) {
      memory_ = Pending();
      memory_base_ = checkpoint;
      memory_position_ = checkpoint;
    }
    HOTLINE_RETURN_IF_ERROR(Fold(memory_position_, head, zone, &memory_, true));
    memory_position_ = std::max(memory_position_, head);
    return absl::OkStatus();
  }
  Pending pending;
  return FoldAndStore(checkpoint, head, zone, &pending);
}

absl::Status StatsProjection::FoldAndStore(uint64_t from, uint64_t head, absl::TimeZone zone,
                                           Pending* pending) {
  while (from < head) {
    const uint64_t through = std::min(head, from + batch_events_);
    HOTLINE_RETURN_IF_ERROR(Fold(from, through, zone, pending, true));
    HOTLINE_RETURN_IF_ERROR(Flush(through, zone.name(), through == head, pending));
    from = through;
  }
  return absl::OkStatus();
}

absl::Status StatsProjection::ResetLocked() {
  HOTLINE_RETURN_IF_ERROR(log_->ClearFamily(store::Family::kProjections, "stats/"));
  return log_->WriteCheckpoint(kCheckpoint, 0, {});
}

absl::Status StatsProjection::Refold(absl::TimeZone zone) {
  absl::MutexLock lock(&mu_);
  HOTLINE_RETURN_IF_ERROR(ResetLocked());
  // Each ticket's record is written once, at its last event: none is read
  // back, and memory holds the tickets in flight and the month rows (a few
  // thousand, kept to the end). The checkpoint stays 0 until the rows are
  // stored with it: a refold cut short is redone, never built on.
  const uint64_t head = log_->head().sequence;
  Pending fresh;
  Sink sink(zone, &fresh);
  uint64_t next_write = batch_events_;
  std::vector<store::ExtraWrite> writes;
  HOTLINE_RETURN_IF_ERROR(FoldTicketStreams<StatsTrack>(
      *log_, head,
      [&](const store::Record& record, const hotline::v1::EventEnvelope& event,
          StatsTrack* track) -> absl::Status {
        FoldStatsEvent(event, track, &sink);
        if (record.sequence < next_write) return absl::OkStatus();
        next_write = record.sequence + batch_events_;
        return log_->WriteCheckpoint(kCheckpoint, 0, std::exchange(writes, {}));
      },
      [&](const std::string& id, StatsTrack* track) {
        writes.push_back(
            {store::Family::kProjections, kTrackPrefix + id, track->SerializeAsString()});
        return absl::OkStatus();
      }));
  for (const auto& [month_row, c] : fresh.rows) {
    writes.push_back({store::Family::kProjections, RowStorageKey(month_row.first, month_row.second),
                      EncodeCounters(c)});
  }
  writes.push_back({store::Family::kProjections, kZoneKey, zone.name()});
  return log_->WriteCheckpoint(kCheckpoint, head, writes);
}

uint64_t StatsProjection::position() const {
  absl::MutexLock lock(&mu_);
  const uint64_t checkpoint = log_->ReadCheckpoint(kCheckpoint).value_or(0);
  return std::max(checkpoint, memory_position_);
}

absl::StatusOr<std::map<RowKey, Counters>> StatsProjection::MonthRows(
    absl::CivilMonth month) const {
  const std::string prefix = absl::StrCat(kMonthPrefix, MonthName(month), "/");
  std::map<RowKey, Counters> rows;
  HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(
      store::Family::kProjections, prefix,
      [&](absl::string_view key, absl::string_view value) -> absl::Status {
        HOTLINE_ASSIGN_OR_RETURN(Counters c, DecodeCounters(value, key));
        rows[ParseRow(key.substr(prefix.size()))] = c;
        return absl::OkStatus();
      }));
  absl::MutexLock lock(&mu_);
  for (const auto& [month_row, delta] : memory_.rows) {
    if (month_row.first != month) continue;
    Counters& sum = rows[month_row.second];
    for (int i = 0; i < kCounterCount; ++i) sum[i] += delta[i];
  }
  return rows;
}

absl::StatusOr<std::vector<std::string>> StatsProjection::Verify(absl::TimeZone zone) const {
  HOTLINE_ASSIGN_OR_RETURN(uint64_t checkpoint, log_->ReadCheckpoint(kCheckpoint));
  // Each ticket's record is refolded and compared when its last event up to
  // the checkpoint is folded, so that only tickets in flight are held. The
  // report lists the month rows' faults before the tickets' (each list
  // bounded), so that many tickets cannot push the rows out.
  FaultList track_faults;
  Pending fresh;
  Sink sink(zone, &fresh);
  size_t rebuilt_tracks = 0;
  HOTLINE_RETURN_IF_ERROR(FoldTicketStreams<hotline::v1::StatsTrack>(
      *log_, checkpoint,
      [&](const store::Record&, const hotline::v1::EventEnvelope& event,
          hotline::v1::StatsTrack* track) {
        FoldStatsEvent(event, track, &sink);
        return absl::OkStatus();
      },
      [&](const std::string& id, hotline::v1::StatsTrack* track) -> absl::Status {
        ++rebuilt_tracks;
        HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                                 log_->Get(store::Family::kProjections, kTrackPrefix + id));
        if (!stored.has_value() || track->SerializeAsString() != *stored) {
          track_faults.Add(
              absl::StrCat("stats record of ticket ", id, " differs from a rebuild"));
        }
        return absl::OkStatus();
      }));
  FaultList faults;
  std::map<std::string, Counters> expected;
  for (const auto& [month_row, c] : fresh.rows) {
    expected[RowStorageKey(month_row.first, month_row.second)] = c;
  }
  auto compare = [&](const std::string& key, const Counters& stored, const Counters& want) {
    for (int i = 0; i < kCounterCount; ++i) {
      if (stored[i] == want[i]) continue;
      faults.Add(absl::StrCat("stats row ", key.substr(sizeof(kMonthPrefix) - 1), " ",
                              CounterName(static_cast<Counter>(i)), ": stored ", stored[i],
                              ", rebuilt ", want[i]));
    }
  };
  std::map<std::string, Counters> stored_rows;
  HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(
      store::Family::kProjections, kMonthPrefix,
      [&](absl::string_view key, absl::string_view value) -> absl::Status {
        HOTLINE_ASSIGN_OR_RETURN(Counters c, DecodeCounters(value, key));
        stored_rows[std::string(key)] = c;
        return absl::OkStatus();
      }));
  for (const auto& [key, c] : stored_rows) {
    auto it = expected.find(key);
    compare(key, c, it == expected.end() ? Counters{} : it->second);
  }
  for (const auto& [key, c] : expected) {
    if (!stored_rows.contains(key)) compare(key, Counters{}, c);
  }
  size_t stored_tracks = 0;
  HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(store::Family::kProjections, kTrackPrefix,
                                           [&](absl::string_view, absl::string_view) {
                                             ++stored_tracks;
                                             return absl::OkStatus();
                                           }));
  std::vector<std::string> lines;
  if (stored_tracks != rebuilt_tracks) {
    lines.push_back(absl::StrCat("stats records: ", stored_tracks, " stored, ", rebuilt_tracks,
                                 " rebuilt"));
  }
  for (FaultList* list : {&faults, &track_faults}) {
    for (std::string& line : std::move(*list).Take()) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace hotline::engine
