#ifndef HOTLINE_ENGINE_ENGINE_H_
#define HOTLINE_ENGINE_ENGINE_H_

// Engine: the hotline ticket workflow over an event log, for embedders.
//
// Execute() validates a command, decides it against the ticket's current
// state (roles, state machine, policy), and appends the resulting events in
// one atomic write together with the ticket's new state (an inline
// projection, so deciding never replays a stream). Reads answer from that
// projection or from the log.
//
// Thread safety: all methods may be called concurrently. Commands on
// different tickets commit together (group commit); commands racing on one
// ticket are serialized by optimistic concurrency: a command whose ticket
// changed between reading and appending is decided again on the new state
// (unless it named an expected_version, then it fails with ABORTED).
//
// Error codes: those of workflow.md (INVALID_ARGUMENT, NOT_FOUND,
// ALREADY_EXISTS, FAILED_PRECONDITION, PERMISSION_DENIED, ABORTED), plus
// FAILED_PRECONDITION for writes to an engine not opened read-write and the
// store's DATA_LOSS / I/O codes.

#include <atomic>
#include <functional>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/directory.h"
#include "engine/monthly_report.h"
#include "engine/personal_data.h"
#include "engine/stats_projection.h"
#include "engine/ticket_cache.h"
#include "engine/timer_index.h"
#include "hotline/v1/commands.pb.h"
#include "hotline/v1/events.pb.h"
#include "hotline/v1/state.pb.h"
#include "store/event_log.h"
#include "store/subscription.h"

namespace hotline::engine {

struct EngineOptions {
  // How to open the store. kReadOnly and kSecondary engines only read.
  store::OpenMode mode = store::OpenMode::kReadWrite;
  // Required for kSecondary: a directory of the secondary's own.
  std::string secondary_path;
  // fsync before Execute returns. Default on: government records.
  bool sync = true;
  // The engine's clock: recorded_at of events and the reference for `at`
  // checks. Default: the system clock. Tests and simulations inject theirs.
  std::function<absl::Time()> clock;
  // Accept `at` arbitrarily far in the past (imports of historical tickets).
  // Default off: `at` may be at most max_past behind the clock.
  bool backfill = false;
  // Keep the statistics projection current in a background thread that folds
  // committed events in soon after they commit (read-write engines only).
  // Off: it is brought up to date when a report is asked for. Default on.
  bool maintain_statistics = true;
  // Without backfill, how far behind the clock `at` may be. Default 7 days.
  absl::Duration max_past = absl::Hours(24 * 7);
  // How far ahead of the clock `at` may be, always. Default 5 minutes.
  absl::Duration max_ahead = absl::Minutes(5);
  // States of recently written tickets kept in memory, so that a command on
  // a ticket written shortly before decides without reading its stored
  // state. About 0.5 KiB each; 0 turns the cache off. Default 65,536.
  size_t ticket_cache_entries = 1 << 16;
  // Stream versions the writer keeps in memory, so that an append to a
  // stream written shortly before needs no index lookup
  // (store::Options::stream_cache_entries). About 100 bytes each. Default
  // 65,536.
  size_t stream_cache_entries = 1 << 16;
  // Events folded between two writes of a rebuild or a statistics catch-up:
  // their memory is bounded by the tickets this many events touch.
  // Default 50,000.
  uint64_t rebuild_batch_events = 50000;
  // The store's environment; see store::Options::env. Default nullptr:
  // RocksDB's default Env. Not owned: it must outlive the engine.
  rocksdb::Env* env = nullptr;
  // See store::Options::merkle_tree: the transparency log's tree, kept with
  // every append. Off only to measure its cost. Default on.
  bool merkle_tree = true;
  // See store::Options::on_group_commit: told of each group commit (for a
  // service's metrics). Default: none.
  std::function<void(const store::GroupCommitInfo&)> on_group_commit;
  // See store::Options::replicator: a copy of the log (e.g. a JetStream
  // stream, replication/) each command's events must reach before Execute
  // returns OK. Read-write engines only. Default: none.
  std::shared_ptr<store::Replicator> replicator;
  // The operator's master key (32 bytes; `hotline keygen-master`): personal
  // fields are then sealed and erasable (engine/personal_data.h). Empty:
  // none; see PersonalData::Open for a store sealed under one. Default none.
  std::string master_key;
};

// What an executed command appended.
struct ExecuteResult {
  uint64_t first_sequence = 0;  // global sequence of its first event
  uint32_t event_count = 0;
  uint64_t stream_version = 0;  // the stream's version after its last event
  bool duplicate = false;       // the command id was applied before
};

// Follows committed events in log order; see store::Subscription.
class EventSubscription {
 public:
  explicit EventSubscription(std::unique_ptr<store::Subscription> records)
      : records_(std::move(records)) {}
  // The next committed event, waiting up to `timeout`. DEADLINE_EXCEEDED
  // when none came, CANCELLED when the engine is closing, DATA_LOSS for an
  // undecodable event.
  absl::StatusOr<hotline::v1::EventEnvelope> Next(absl::Duration timeout);

 private:
  std::unique_ptr<store::Subscription> records_;
};

class Engine {
 public:
  // Opens (creating when read-write) the store at `path` and loads the
  // directory (units, policy). Errors are the store's (see EventLog::Open).
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const std::string& path,
                                                      EngineOptions options = {});

  // Closes the engine (see Close) unless Close was called, ignoring its
  // error.
  ~Engine();

  // Stops the statistics thread (after it folds what is committed) and
  // closes the store, returning the store's error if closing fails. After
  // it, only the destructor may be called. A second call returns OK.
  absl::Status Close();

  // Decides and applies one command. A command whose command_id was applied
  // before returns the original result (duplicate set) before any other
  // check and appends nothing. A refused command appends nothing and changes
  // no projection. FAILED_PRECONDITION while a rebuild runs, or after one was
  // interrupted until RebuildProjections completes. A record_access command
  // (any role but SYSTEM) appends a TicketDataRead for its ticket_id to the
  // `$access` stream (kAccessStream): the access log of reads of citizen
  // data, under the hash chain like every event. An erase_personal_data
  // command (ADMIN) runs alone — after the commands already executing, before
  // any other — and appends a CitizenDataErased to `$erasure`
  // (kErasureStream) together with the deletion of the data keys of the
  // tickets it names (at most kMaxTicketsPerErasure), then forces the keys
  // out of the store's files (PersonalData::Shred): NOT_FOUND when no ticket
  // it names has a key, FAILED_PRECONDITION without a master key,
  // UNAVAILABLE when the erasure was appended but its shred is still owed
  // (finished by the next erasure or open). Events with personal fields
  // have them sealed (PersonalData::Seal).
  absl::StatusOr<ExecuteResult> Execute(const hotline::v1::Command& command);

  // The ticket's current state; NOT_FOUND for an unknown ticket. Replayed
  // from its stream while the projections are incomplete (a rebuild runs or
  // was interrupted).
  absl::StatusOr<hotline::v1::TicketState> GetTicket(const std::string& ticket_id) const;

  // The ticket's state as it stood at `as_of`: its events with at <= as_of
  // replayed. NOT_FOUND when it had not been received by then.
  absl::StatusOr<hotline::v1::TicketState> GetTicketAsOf(const std::string& ticket_id,
                                                         absl::Time as_of) const;

  // Every event of the ticket's stream, in order, with positions and hashes,
  // its personal fields revealed or masked (PersonalData::Reveal). NOT_FOUND
  // for an unknown ticket.
  absl::StatusOr<std::vector<hotline::v1::EventEnvelope>> History(
      const std::string& ticket_id) const;

  // Every committed event after `after_sequence`, then live ones. Read-write
  // engines only. The subscription must be destroyed before the engine.
  std::unique_ptr<EventSubscription> Subscribe(uint64_t after_sequence);

  // ---- SLA timers (sla.md) -------------------------------------------------

  // Appends one SYSTEM DeadlineMissed for each deadline before `now` not yet
  // reported missed, and for an expired rating window also
  // TicketClosed{RATING_EXPIRED}; at most `limit` deadlines per call, the
  // earliest first. Each is appended exactly once, even when calls repeat,
  // race, or a process dies between them (each firing is one atomic append
  // under a command id derived from the ticket, cycle, kind and deadline,
  // which no client command may take). The events' `at` is `now`, the
  // firing instant, strictly after the deadline (or the ticket's last event
  // time when that is later). Returns what it appended. Read-write engines
  // only.
  struct FiredTimer {
    TimerEntry timer;
    ExecuteResult result;
  };
  absl::StatusOr<std::vector<FiredTimer>> FireDueTimers(absl::Time now,
                                                        size_t limit = SIZE_MAX);

  // Deadlines before `t` not yet reported missed (what FireDueTimers(t)
  // would fire), earliest first. From the index: O(log n + k).
  // FAILED_PRECONDITION while the projections are incomplete, as for
  // OpenDeadlines.
  absl::StatusOr<std::vector<TimerEntry>> DueBefore(absl::Time t) const;

  // Deadlines owed now whose instant lies in [from, to), earliest first,
  // whether or not already reported missed. Overdue(as_of) is
  // OpenDeadlines(InfinitePast, as_of). From the index: O(log n + k).
  absl::StatusOr<std::vector<TimerEntry>> OpenDeadlines(absl::Time from, absl::Time to) const;
  absl::StatusOr<std::vector<TimerEntry>> Overdue(absl::Time as_of) const {
    return OpenDeadlines(absl::InfinitePast(), as_of);
  }

  // ---- Projections ----------------------------------------------------------

  // Throws away the ticket-state projection, the timer index and the
  // statistics projection and rebuilds them from the log alone, reporting
  // (events done, events total) to `progress` as it goes, and syncs the
  // store before returning OK. Until one completes, a mark in the store
  // makes Execute and FireDueTimers refuse (FAILED_PRECONDITION), also
  // after a crash. Waits for the commands and firings already executing to
  // finish before it starts; FAILED_PRECONDITION when another rebuild (or
  // an import) is running. Uses a second thread; memory is bounded by the
  // tickets of a few batches of rebuild_batch_events events, not by the log.
  absl::Status RebuildProjections(
      const std::function<void(uint64_t, uint64_t)>& progress = nullptr);

  // ---- Reports and audit ------------------------------------------------------

  // Folds every committed event into the statistics projection now (the
  // background thread otherwise does so shortly after each commit).
  absl::Status CatchUpStatistics();

  // The monthly report of metrics.md. The default query (no as_of, up to the
  // head) answers from the maintained statistics projection, first folding
  // in what was committed since its checkpoint; any other query, or
  // `rebuild`, or any query while the projections are incomplete, recomputes
  // it from the log alone (ReportFromLog). Both give
  // byte-identical printed reports. INVALID_ARGUMENT for a malformed month
  // or an up_to_sequence past the head. Consistent when no command commits
  // while it runs.
  absl::StatusOr<MonthlyReport> Report(const ReportQuery& query, bool rebuild = false);

  // Loads an export (`hotline export`, jsonl or binary) into this engine's
  // store, which must be empty (FAILED_PRECONDITION otherwise). The whole
  // file is checked first — gapless sequence from 1, stream versions, each
  // prev_hash, each hash recomputed from the event, `at` in the accepted
  // window, directory events the directory accepts, and the store's limits
  // (ids, event sizes, events per command, command ids used once) — and a
  // file that fails any check is refused with DATA_LOSS naming the first bad
  // sequence, appending nothing. Then the events are appended as they were
  // (same sequences, command ids and hashes), the log is synced once (so an
  // engine opened with sync off loads fast and is still durable when Import
  // returns OK), and every projection is rebuilt. A store whose import was
  // cut short (a crash, a kill, an I/O error) holds a durable mark:
  // Engine::Open refuses it (FAILED_PRECONDITION), so a partial import is
  // never taken for a store; delete it and import again.
  // `progress` gets (events done, events total).
  absl::Status Import(const std::string& path, bool binary,
                      const std::function<void(uint64_t, uint64_t)>& progress = nullptr);

  // What Verify checked and the faults it found.
  struct VerifyResult {
    store::ChainReport chain;           // hash chain, sequence, stream index
    uint64_t tickets = 0;               // ticket states compared
    uint64_t timers = 0;                // timer index entries compared
    uint64_t stats_position = 0;        // statistics compared up to here
    std::vector<std::string> faults;    // one line each, empty when all agree
    bool ok() const { return chain.ok() && faults.empty(); }
  };
  // The auditor's check: the chain (EventLog::VerifyChain), then every
  // maintained projection — ticket states, the timer index, the monthly
  // statistics — against a fresh fold of the log. Reads only.
  absl::StatusOr<VerifyResult> Verify() const;

  // The units and policy in force now.
  std::shared_ptr<const Directory> directory() const;

  // kSecondary: catches up with the writer, reloads the directory and
  // whether the writer's projections are complete (while it rebuilds, reads
  // replay the log as on the writer). Other modes: does nothing.
  absl::Status Refresh();

  // A consistent copy of the whole store in the new directory `dir` (see
  // EventLog::CreateCheckpoint), taken while commands go on.
  absl::Status Backup(const std::string& dir) const { return log_->CreateCheckpoint(dir); }

  // The underlying log, for tools that read it whole (export, verify, stats).
  const store::EventLog& log() const { return *log_; }

  // Personal data's keys, for readers of the log that show personal fields.
  const PersonalData& personal_data() const { return *personal_; }

  absl::Time Now() const { return options_.clock(); }

 private:
  // Keeps a copy of another writer's log: appends its records with their
  // projections (engine/replica.h).
  friend class Replica;

  Engine(std::string path, EngineOptions options, std::unique_ptr<store::EventLog> log)
      : path_(std::move(path)),
        options_(std::move(options)),
        log_(std::move(log)),
        stats_(std::make_unique<StatsProjection>(log_.get(), options_.rebuild_batch_events)),
        ticket_cache_(options_.ticket_cache_entries) {}

  // Durable marks (store checkpoints; 1 set, 0 clear). `rebuilding`: from
  // the start of a rebuild until it has written everything, so an engine
  // opened on an interrupted rebuild refuses commands. `importing`: from an
  // import's first append until it completes, so Open refuses the store.
  static constexpr char kRebuildingMark[] = "rebuilding";
  static constexpr char kImportingMark[] = "importing";

  absl::Status LoadDirectory();
  // Sets projections_incomplete_ and its durable mark, which only a
  // completed RebuildProjections clears.
  absl::Status MarkProjectionsIncomplete();
  // Reads whether a rebuild is running or was interrupted
  // (projections_incomplete_); FAILED_PRECONDITION when an import was.
  absl::Status LoadRebuildMark();
  // RebuildProjections, by the caller that set rebuilding_.
  absl::Status Rebuild(const std::function<void(uint64_t, uint64_t)>& progress);
  // FAILED_PRECONDITION while projections_incomplete_.
  absl::Status CheckProjectionsComplete() const;
  // RebuildProjections' pass over the log for ticket states and timers.
  absl::Status RebuildTicketStates(const std::function<void(uint64_t, uint64_t)>& progress);
  // The statistics thread's loop: fold new events until stop_.
  void MaintainStatistics();
  absl::Status CheckTime(const hotline::v1::Command& command) const;
  absl::StatusOr<ExecuteResult> ExecuteTicketCommand(const hotline::v1::Command& command);
  // Appends `events` for command.ticket_id() at version `ticket`'s (0 when
  // nullptr), with the ticket's new state and timer index changes in the
  // same batch. ABORTED when the ticket, or the other ticket `decided_on`
  // (a merge's primary) when given, moved on meanwhile.
  absl::StatusOr<store::AppendResult> AppendTicketEvents(
      const hotline::v1::Command& command, const hotline::v1::TicketState* ticket,
      const std::vector<hotline::v1::Event>& events,
      const hotline::v1::TicketState* decided_on = nullptr);
  // Fires one timer at the instant `now`; nullopt when the ticket no longer
  // owes it.
  absl::StatusOr<std::optional<ExecuteResult>> FireTimer(const TimerEntry& timer,
                                                         absl::Time now);
  absl::StatusOr<ExecuteResult> ExecuteDirectoryCommand(const hotline::v1::Command& command);
  // record_access: one TicketDataRead on kAccessStream.
  absl::StatusOr<ExecuteResult> ExecuteAccessCommand(const hotline::v1::Command& command);
  // Execute without its lock: the command decided and appended, or the
  // original result of a command id seen before. Under commands_mu_.
  absl::StatusOr<ExecuteResult> Decided(const hotline::v1::Command& command);
  // Execute of an erase_personal_data: alone (no command runs meanwhile,
  // so none seals under a key it deletes), then the shred
  // (engine_erasure.cc).
  absl::StatusOr<ExecuteResult> Erase(const hotline::v1::Command& command);
  // Its append, by Decided.
  absl::StatusOr<ExecuteResult> ExecuteErasure(const hotline::v1::Command& command);
  // The store payloads of a command's `events` (stream versions from
  // `version` + 1 on), each also applied to `state` when given, their
  // personal fields sealed for the command's ticket (key writes to `writes`).
  absl::StatusOr<std::vector<std::string>> Envelopes(const hotline::v1::Command& command,
                                                     const std::vector<hotline::v1::Event>& events,
                                                     uint64_t version,
                                                     hotline::v1::TicketState* state,
                                                     std::vector<store::ExtraWrite>* writes) const;
  // The state a command decides on: the cached one unless `stored` asks for
  // the stored one (after an ABORTED append), nullptr when none.
  absl::StatusOr<std::shared_ptr<const hotline::v1::TicketState>> TicketForDecision(
      const std::string& ticket_id, bool stored);
  // The stored state of a ticket, nullopt when none.
  absl::StatusOr<std::optional<hotline::v1::TicketState>> LoadTicket(
      const std::string& ticket_id) const;

  const std::string path_;  // the store's directory, for messages
  const EngineOptions options_;
  std::unique_ptr<store::EventLog> log_;
  std::unique_ptr<StatsProjection> stats_;
  std::unique_ptr<PersonalData> personal_;  // set by Open
  TicketCache ticket_cache_;
  std::atomic<bool> stop_{false};
  // A rebuild is running or was interrupted: ticket states and timers may be
  // missing, so commands and timer firings are refused.
  std::atomic<bool> projections_incomplete_{false};
  // Held shared by each command and timer firing while it runs, and
  // exclusively while a rebuild marks the projections incomplete: no command
  // that passed the check above is still writing when a rebuild clears them.
  absl::Mutex commands_mu_;
  // Held by an erasure from its start to the end of its shred: erasures
  // run one at a time.
  absl::Mutex erasure_mu_;
  // A rebuild or import is running; a second one is refused.
  std::atomic<bool> rebuilding_{false};
  std::thread stats_thread_;  // runs MaintainStatistics when maintained

  // Serializes directory commands, so each decides on the directory left by
  // the one before.
  absl::Mutex directory_writer_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Directory> directory_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_ENGINE_H_
