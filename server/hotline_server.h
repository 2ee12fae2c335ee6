#ifndef HOTLINE_SERVER_HOTLINE_SERVER_H_
#define HOTLINE_SERVER_HOTLINE_SERVER_H_

// `hotline serve` as a library: the gRPC service, the HTTP door and the
// timer loop around one read-write Engine, with the tokens file that says
// who may call (docs/service.md).

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "engine/engine.h"
#include "server/access_recorder.h"
#include "server/grpc_service.h"
#include "server/http_service.h"
#include "server/metrics_registry.h"
#include "server/principals.h"

namespace grpc {
class Server;
}

namespace hotline::server {

struct ServeOptions {
  // HOST:PORT of the gRPC service; port 0 picks a free one.
  std::string grpc_address = "127.0.0.1:7345";
  // HOST:PORT of the HTTP door (Open311, metrics, dashboard).
  std::string http_address = "127.0.0.1:7346";
  // The tokens file (principals; see Principals::Load). Required.
  std::string tokens_path;
  // TLS for both doors: PEM certificate chain and key. Required to listen
  // on anything but a loopback address.
  std::string tls_cert;
  std::string tls_key;
  // With TLS: gRPC clients must present a certificate signed by this CA.
  std::string tls_client_ca;
  // The signer key file (hotline keygen): GET /checkpoint signs the head.
  // Empty: no checkpoints are served.
  std::string checkpoint_key;
  // How often the service fires due timers (Engine::FireDueTimers).
  absl::Duration timers_every = absl::Minutes(1);
  // Largest gRPC message taken or given.
  int max_message_bytes = 4 << 20;
  // Threads serving gRPC calls at most (each Subscribe holds one while it
  // lasts); calls beyond are refused with RESOURCE_EXHAUSTED, so a flood of
  // streams cannot exhaust the machine.
  int max_grpc_threads = 256;
};

// True when HOST of "HOST:PORT" is a loopback address (127.0.0.0/8, ::1,
// localhost).
bool IsLoopback(const std::string& address);

class HotlineServer {
 public:
  // Starts serving `engine` (read-write; it and `metrics`, which should be
  // the one its EngineOptions::on_group_commit feeds, must outlive the
  // server). INVALID_ARGUMENT for a malformed address, a non-loopback
  // address without TLS, TLS files that do not load, or a tokens file that
  // does not (Principals::Load); UNAVAILABLE when a port cannot be bound.
  static absl::StatusOr<std::unique_ptr<HotlineServer>> Start(engine::Engine* engine,
                                                              ServiceMetrics* metrics,
                                                              ServeOptions options);
  // Shuts down (as Shutdown) if not done yet.
  ~HotlineServer();

  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_->port(); }

  // Re-reads the tokens file; the principals in force stay when it fails.
  absl::Status ReloadTokens();

  // Stops accepting calls, lets calls in flight finish (cancelling any still
  // running after `grace`; subscriptions end), stops the timer loop. The
  // engine is left open: its owner closes it.
  void Shutdown(absl::Duration grace = absl::Seconds(10));

 private:
  HotlineServer(engine::Engine* engine, ServiceMetrics* metrics, ServeOptions options);
  std::shared_ptr<const Principals> principals() const;
  // Fires due timers every options_.timers_every until shutdown.
  void RunTimers();

  engine::Engine* engine_;
  ServiceMetrics* metrics_;
  const ServeOptions options_;
  AccessRecorder access_;
  std::optional<store::SignerKey> checkpoint_key_;
  std::atomic<bool> stopping_{false};
  absl::Notification stop_timers_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Principals> principals_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<GrpcService> grpc_service_;
  std::unique_ptr<grpc::Server> grpc_;
  int grpc_port_ = 0;
  std::unique_ptr<HttpService> http_;
  std::thread timers_;
  bool shut_down_ = false;
};

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_HOTLINE_SERVER_H_
