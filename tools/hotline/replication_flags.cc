// The writing subcommands' replication flags.

#include "tools/hotline/replication_flags.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "replication/follower.h"
#include "replication/stream_replicator.h"
#include "store/status_macros.h"
#include "tools/hotline/progress.h"

namespace hotline::cli {

Subcommand WithReplicationFlags(Subcommand command, bool promote) {
  const std::vector<FlagSpec> specs = {
      {"nats", true, "URL[,URL...]: replicate to the log's JetStream stream on this cluster"},
      {"replication", true,
       "sync (default): acknowledge a command once the stream's quorum has it; async: after "
       "the local fsync, published behind"},
      {"replicas", true, "replicas of a stream this creates (default 3)"}};
  command.flags.insert(command.flags.end(), specs.begin(), specs.end());
  command.usage += " [--nats URL,... [--replication sync|async] [--replicas N]";
  if (promote) {
    command.flags.push_back({"promote", false,
                             "a follower's store: catch up to the end of the stream, then write"});
    command.usage += " [--promote]";
  }
  command.usage += "]";
  return command;
}

absl::StatusOr<replication::NatsOptions> NatsFlags(const Flags& flags) {
  replication::NatsOptions nats;
  HOTLINE_ASSIGN_OR_RETURN(nats.servers,
                           replication::ParseServers(flags.Get("nats").value_or("")));
  if (auto replicas = flags.Get("replicas"); replicas.has_value()) {
    if (!absl::SimpleAtoi(*replicas, &nats.replicas) || nats.replicas < 1 ||
        nats.replicas > 5) {
      return absl::InvalidArgumentError("--replicas: must be 1 to 5");
    }
  }
  return nats;
}

namespace {

// --promote: the store follows its stream to the end before it writes.
absl::Status CatchUp(const Flags& flags, const replication::NatsOptions& nats) {
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<replication::JetStream> stream,
                           replication::JetStream::Connect(nats));
  engine::EngineOptions options;
  options.maintain_statistics = false;
  HOTLINE_ASSIGN_OR_RETURN(std::unique_ptr<engine::Engine> engine,
                           engine::Engine::Open(flags.db(), options));
  HOTLINE_ASSIGN_OR_RETURN(
      std::string log_id,
      replication::Follower::ResolveLogId(engine->log(), *stream, std::nullopt));
  replication::Follower follower(engine.get(), stream.get(), log_id);
  Progress progress("catching up");
  HOTLINE_RETURN_IF_ERROR(follower.CatchUp(
      [&](uint64_t done, uint64_t total) { progress.Update(done, total); }));
  progress.Done();
  return engine->Close();
}

}  // namespace

absl::Status SetUpReplication(const Flags& flags, engine::EngineOptions* options) {
  if (!flags.Has("nats")) {
    for (const char* name : {"replication", "replicas", "promote"}) {
      if (flags.Has(name)) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs --nats"));
      }
    }
    return absl::OkStatus();
  }
  replication::ReplicationOptions replication;
  HOTLINE_ASSIGN_OR_RETURN(replication.nats, NatsFlags(flags));
  const std::string mode = flags.Get("replication").value_or("sync");
  if (mode == "async") {
    replication.mode = replication::ReplicationMode::kAsync;
  } else if (mode != "sync") {
    return absl::InvalidArgumentError("--replication: sync or async");
  }
  if (flags.Has("promote")) HOTLINE_RETURN_IF_ERROR(CatchUp(flags, replication.nats));
  HOTLINE_ASSIGN_OR_RETURN(options->replicator,
                           replication::StreamReplicator::Connect(replication));
  return absl::OkStatus();
}

}  // namespace hotline::cli
