// hotline follow: a full local replica of a log's JetStream stream.

#include <csignal>

#include "absl/strings/str_cat.h"
#include "engine/event_codec.h"
#include "replication/follower.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/progress.h"
#include "tools/hotline/replication_flags.h"

namespace hotline::cli {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

void RequestStop(int) { stop_requested = 1; }

// One line per removed record: what an operator needs to find the command
// again (its id, to re-enter or to tell its sender).
void PrintDropped(const std::vector<store::Record>& dropped) {
  hotline::v1::EventEnvelope event;
  for (const store::Record& r : dropped) {
    std::string type = "?";
    if (engine::DecodeEvent(r, &event).ok()) {
      const google::protobuf::Message& payload = event.event();
      const google::protobuf::FieldDescriptor* field =
          payload.GetReflection()->GetOneofFieldDescriptor(
              payload, payload.GetDescriptor()->FindOneofByName("payload"));
      if (field != nullptr) type = field->name();
    }
    std::printf("%llu %s v%llu %s %s\n", static_cast<unsigned long long>(r.sequence),
                r.stream_id.c_str(), static_cast<unsigned long long>(r.stream_version),
                r.command_id.empty() ? "-" : r.command_id.c_str(), type.c_str());
  }
}

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("follow");
  if (absl::Status s = RequireFlags(flags, {"nats"}); !s.ok()) return Usage(self, s);
  absl::StatusOr<replication::NatsOptions> nats = NatsFlags(flags);
  if (!nats.ok()) return Usage(self, nats.status());
  std::signal(SIGTERM, RequestStop);
  std::signal(SIGINT, RequestStop);

  auto stream = replication::JetStream::Connect(*nats);
  if (!stream.ok()) return Fail("follow", stream.status());
  engine::EngineOptions options;
  if (absl::Status s = SetUpMasterKey(flags, &options); !s.ok()) return Usage(self, s);
  auto engine = engine::Engine::Open(flags.db(), options);
  if (!engine.ok()) return Fail("follow", engine.status());
  auto log_id = replication::Follower::ResolveLogId((*engine)->log(), **stream, flags.Get("log"));
  if (!log_id.ok()) {
    return absl::IsInvalidArgument(log_id.status()) ? Usage(self, log_id.status())
                                                    : Fail("follow", log_id.status());
  }
  replication::Follower follower(engine->get(), stream->get(), *log_id);
  if (flags.Has("drop-unreplicated")) {
    // Printed, and the print checked, before anything is removed.
    auto dropped = follower.DropUnreplicated([](const std::vector<store::Record>& tail) {
      PrintDropped(tail);
      if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        return absl::UnavailableError("writing the records to remove failed; nothing removed");
      }
      return absl::OkStatus();
    });
    if (!dropped.ok()) return Fail("follow", dropped.status());
    std::fprintf(stderr, "hotline follow: removed %zu records the stream does not hold\n",
                 *dropped);
  }
  std::fprintf(stderr, "hotline follow: %s from sequence %llu\n",
               replication::StreamName(*log_id).c_str(),
               static_cast<unsigned long long>((*engine)->log().head().sequence + 1));
  Progress progress("following");
  auto show = [&](uint64_t done, uint64_t total) { progress.Update(done, total); };
  absl::Status followed = flags.Has("until-caught-up")
                              ? follower.CatchUp(show)
                              : follower.Follow([] { return stop_requested == 0; }, show);
  progress.Done();
  const uint64_t head = (*engine)->log().head().sequence;
  if (absl::Status closed = (*engine)->Close(); followed.ok()) followed = closed;
  if (!followed.ok()) return Fail("follow", followed);
  std::fprintf(stderr, "hotline follow: head %llu\n", static_cast<unsigned long long>(head));
  return kExitOk;
}

}  // namespace

Subcommand FollowCommand() {
  return {"follow",
          "follow --nats URL[,URL...] [--log ID] [--until-caught-up] [--drop-unreplicated]",
          "Keep the store at --db a full replica of a log's JetStream stream: the same records "
          "and hashes, every projection, resumable after any stop. Every read-only subcommand "
          "works on it. Runs until SIGTERM or SIGINT.",
          {{"nats", true, "URL[,URL...]: any members of the cluster (required)"},
           {"log", true, "the log id (16 hex digits) for an empty store; default: the only one"},
           {"until-caught-up", false, "exit once the store holds the whole stream"},
           {"drop-unreplicated", false,
            "first remove (and print) records of this store the stream does not hold"}},
          0,
          0,
          Run};
}

}  // namespace hotline::cli
