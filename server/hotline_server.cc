#include "server/hotline_server.h"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hotline::server {
namespace {

struct HostPort {
  std::string host;
  int port = 0;
};

// "HOST:PORT" or "[V6]:PORT".
absl::StatusOr<HostPort> ParseAddress(const std::string& flag, const std::string& address) {
  const size_t colon = address.rfind(':');
  HostPort out;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &out.port) || out.port < 0 ||
      out.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", address, "' is not HOST:PORT (port 0 picks a free one)"));
  }
  absl::string_view host = absl::string_view(address).substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) {
    if (!absl::ConsumeSuffix(&host, "]")) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": unbalanced [ in '", address, "'"));
    }
  }
  out.host = std::string(host);
  return out;
}

// A small text file (a PEM certificate or key, a signer key).
absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  }
  return text.str();
}

}  // namespace

bool IsLoopback(const std::string& address) {
  absl::StatusOr<HostPort> hp = ParseAddress("address", address);
  if (!hp.ok()) return false;
  return hp->host == "localhost" || hp->host == "::1" || hp->host.rfind("127.", 0) == 0;
}

HotlineServer::HotlineServer(engine::Engine* engine, ServiceMetrics* metrics,
                             ServeOptions options)
    : engine_(engine), metrics_(metrics), options_(std::move(options)), access_(engine) {}

HotlineServer::~HotlineServer() { Shutdown(); }

std::shared_ptr<const Principals> HotlineServer::principals() const {
  absl::MutexLock lock(&mu_);
  return principals_;
}

absl::Status HotlineServer::ReloadTokens() {
  absl::StatusOr<Principals> loaded = Principals::Load(options_.tokens_path);
  if (!loaded.ok()) return loaded.status();
  auto next = std::make_shared<const Principals>(*std::move(loaded));
  absl::MutexLock lock(&mu_);
  principals_ = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<HotlineServer>> HotlineServer::Start(engine::Engine* engine,
                                                                    ServiceMetrics* metrics,
                                                                    ServeOptions options) {
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls && (options.tls_cert.empty() || options.tls_key.empty())) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!tls && !options.tls_client_ca.empty()) {
    return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  absl::StatusOr<HostPort> grpc_address = ParseAddress("--listen", options.grpc_address);
  if (!grpc_address.ok()) return grpc_address.status();
  absl::StatusOr<HostPort> http_address = ParseAddress("--http", options.http_address);
  if (!http_address.ok()) return http_address.status();
  for (const auto& [flag, address] : {std::pair{"--listen", options.grpc_address},
                                      std::pair{"--http", options.http_address}}) {
    if (!tls && !IsLoopback(address)) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, " ", address,
          ": not a loopback address, and without TLS tokens and citizens' data would cross the "
          "network in clear text; give --tls-cert and --tls-key, or listen on 127.0.0.1"));
    }
  }
  if (options.tokens_path.empty()) {
    return absl::InvalidArgumentError("--tokens: a tokens file is required (hotline token add)");
  }
  std::unique_ptr<HotlineServer> server(new HotlineServer(engine, metrics, options));
  if (absl::Status s = server->ReloadTokens(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--tokens: ", s.message()));
  }
  if (!options.checkpoint_key.empty()) {
    absl::StatusOr<std::string> text = ReadPem("--checkpoint-key", options.checkpoint_key);
    if (!text.ok()) return text.status();
    absl::StatusOr<store::SignerKey> key = store::ParseSignerKey(*text);
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--checkpoint-key: ", key.status().message()));
    }
    server->checkpoint_key_ = *std::move(key);
  }
  HotlineServer* self = server.get();
  ServiceContext context{engine,   [self] { return self->principals(); }, &server->access_,
                         metrics,  &server->stopping_,
                         server->checkpoint_key_ ? &*server->checkpoint_key_ : nullptr};

  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (tls) {
    grpc::SslServerCredentialsOptions ssl(
        options.tls_client_ca.empty()
            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    absl::StatusOr<std::string> cert = ReadPem("--tls-cert", options.tls_cert);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem("--tls-key", options.tls_key);
    if (!key.ok()) return key.status();
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!options.tls_client_ca.empty()) {
      absl::StatusOr<std::string> ca = ReadPem("--tls-client-ca", options.tls_client_ca);
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
    }
    credentials = grpc::SslServerCredentials(ssl);
  }
  server->grpc_service_ = std::make_unique<GrpcService>(context);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.grpc_address, credentials, &server->grpc_port_);
  builder.RegisterService(server->grpc_service_.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  grpc::ResourceQuota quota("hotline-serve");
  quota.SetMaxThreads(options.max_grpc_threads);
  builder.SetResourceQuota(quota);
  server->grpc_ = builder.BuildAndStart();
  if (server->grpc_ == nullptr || server->grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "--listen: cannot serve gRPC on ", options.grpc_address,
        tls ? " (in use, or the certificate and key do not match)" : " (in use?)"));
  }
  HttpOptions http;
  http.host = http_address->host;
  http.port = http_address->port;
  http.tls_cert = options.tls_cert;
  http.tls_key = options.tls_key;
  absl::StatusOr<std::unique_ptr<HttpService>> http_service = HttpService::Start(context, http);
  if (!http_service.ok()) return http_service.status();
  server->http_ = *std::move(http_service);
  server->timers_ = std::thread([self] { self->RunTimers(); });
  return server;
}

void HotlineServer::RunTimers() {
  while (!stop_timers_.WaitForNotificationWithTimeout(options_.timers_every)) {
    absl::StatusOr<std::vector<engine::Engine::FiredTimer>> fired =
        engine_->FireDueTimers(engine_->Now());
    if (fired.ok()) {
      metrics_->TimersFired(fired->size());
    } else {
      // The next round retries; each firing is exactly-once either way.
      std::fprintf(stderr, "hotline serve: firing timers: %s\n",
                   std::string(fired.status().message()).c_str());
    }
  }
}

void HotlineServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  stopping_ = true;
  // Parts are null when Start failed before making them.
  if (grpc_ != nullptr) {
    grpc_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
    grpc_->Wait();
  }
  if (http_ != nullptr) http_->Stop();
  stop_timers_.Notify();
  if (timers_.joinable()) timers_.join();
}

}  // namespace hotline::server
