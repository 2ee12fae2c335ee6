// hotline serve: the gRPC service, Open311, metrics and the dashboard over
// one store (docs/service.md).

#include <signal.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "server/hotline_server.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/replication_flags.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("serve");
  server::ServeOptions options;
  options.grpc_address = flags.Get("listen").value_or(options.grpc_address);
  options.http_address = flags.Get("http").value_or(options.http_address);
  options.tokens_path = flags.Get("tokens").value_or("");
  options.tls_cert = flags.Get("tls-cert").value_or("");
  options.tls_key = flags.Get("tls-key").value_or("");
  options.tls_client_ca = flags.Get("tls-client-ca").value_or("");
  options.checkpoint_key = flags.Get("checkpoint-key").value_or("");
  if (auto every = flags.Get("timers-every")) {
    if (!absl::ParseDuration(*every, &options.timers_every) ||
        options.timers_every < absl::Seconds(1) || options.timers_every > absl::Hours(24)) {
      return Usage(self, absl::InvalidArgumentError(
                             "--timers-every: expected a duration from 1s to 24h, e.g. 1m"));
    }
  }
  if (options.tokens_path.empty()) {
    return Usage(self, absl::InvalidArgumentError("--tokens is required (hotline token add)"));
  }
  // Signals are taken by sigwait below, so every thread (the engine's, the
  // servers') must be started with them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::ServiceMetrics metrics;
  engine::EngineOptions engine_options;
  engine_options.on_group_commit = [&metrics](const store::GroupCommitInfo& info) {
    metrics.GroupCommitted(info.appends, info.write_time, info.synced);
  };
  if (absl::Status s = SetUpMasterKey(flags, &engine_options); !s.ok()) {
    return Usage(FindSubcommand("serve"), s);
  }
  if (absl::Status s = SetUpReplication(flags, &engine_options); !s.ok()) {
    return absl::IsInvalidArgument(s) ? Usage(FindSubcommand("serve"), s) : Fail("serve", s);
  }
  auto engine = engine::Engine::Open(flags.db(), engine_options);
  if (!engine.ok()) return Fail("serve", engine.status());
  auto server = server::HotlineServer::Start(engine->get(), &metrics, options);
  if (!server.ok()) {
    if (server.status().code() == absl::StatusCode::kInvalidArgument) {
      return Usage(self, server.status());
    }
    return Fail("serve", server.status());
  }
  const std::string grpc_host = options.grpc_address.substr(0, options.grpc_address.rfind(':'));
  const std::string http_host = options.http_address.substr(0, options.http_address.rfind(':'));
  std::printf("hotline serve: grpc %s:%d http %s:%d\n", grpc_host.c_str(), (*server)->grpc_port(),
              http_host.c_str(), (*server)->http_port());
  std::fflush(stdout);

  while (true) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGHUP) {
      absl::Status s = (*server)->ReloadTokens();
      std::fprintf(stderr, "hotline serve: tokens %s\n",
                   s.ok() ? "reloaded" : absl::StrCat("kept; ", s.message()).c_str());
      continue;
    }
    break;
  }
  std::fprintf(stderr, "hotline serve: stopping: finishing calls in flight\n");
  (*server)->Shutdown();
  if (absl::Status s = (*engine)->Close(); !s.ok()) return Fail("serve", s);
  std::fprintf(stderr, "hotline serve: stopped; the store is closed\n");
  return kExitOk;
}

}  // namespace

Subcommand ServeCommand() {
  return WithReplicationFlags(
      {"serve",
          "serve [--listen HOST:PORT] [--http HOST:PORT] --tokens FILE [--tls-cert F --tls-key F "
          "[--tls-client-ca F]] [--timers-every DURATION] [--checkpoint-key F]",
          "Serve the store: gRPC hotline.v1.Hotline (bearer tokens), Open311 GeoReport v2, "
          "/metrics, /healthz and a live dashboard at / on the HTTP port; fire due timers. "
          "SIGHUP re-reads the tokens file; SIGTERM or SIGINT stop after the calls in flight.",
          {{"listen", true, "gRPC address (default 127.0.0.1:7345; port 0: any free port)"},
           {"http", true, "HTTP address (default 127.0.0.1:7346)"},
           {"tokens", true, "the tokens file (required; hotline token add)"},
           {"tls-cert", true, "PEM certificate chain: TLS on both ports"},
           {"tls-key", true, "PEM private key of --tls-cert"},
           {"tls-client-ca", true, "gRPC clients must present a certificate from this CA"},
           {"timers-every", true, "how often to fire due timers (default 1m)"},
           {"checkpoint-key", true,
            "a signer key (hotline keygen): serve GET /checkpoint and /proof/consistency"}},
          0, 0, Run},
      /*promote=*/true);
}

}  // namespace hotline::cli
