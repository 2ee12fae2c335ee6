#ifndef HOTLINE_TOOLS_HOTLINE_REPLICATION_FLAGS_H_
#define HOTLINE_TOOLS_HOTLINE_REPLICATION_FLAGS_H_

// The replication flags of the writing subcommands (apply, serve, timers,
// simulate, import): --nats, --replication, --replicas and, for serve and
// apply, --promote (docs/replication.md).

#include <vector>

#include "absl/status/status.h"
#include "engine/engine.h"
#include "replication/jetstream.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {

// `command` with the replication flags added to its flags and usage;
// `promote` adds --promote.
Subcommand WithReplicationFlags(Subcommand command, bool promote);

// --nats, --replicas and the request timeouts as NatsOptions;
// INVALID_ARGUMENT naming a bad flag.
absl::StatusOr<replication::NatsOptions> NatsFlags(const Flags& flags);

// Nothing without --nats. With it: connects to the cluster and makes
// options->replicator publish every command's events to the log's stream
// (--replication sync, the default, or async); with --promote first
// catches the store at --db up to the end of its stream, showing progress.
// INVALID_ARGUMENT for a bad flag value; the cluster's and the store's
// errors otherwise.
absl::Status SetUpReplication(const Flags& flags, engine::EngineOptions* options);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_HOTLINE_REPLICATION_FLAGS_H_
