#ifndef HOTLINE_SERVER_HTTP_SERVICE_H_
#define HOTLINE_SERVER_HTTP_SERVICE_H_

// The HTTP door of `hotline serve`: Open311 GeoReport v2 under
// /open311/v2/, Prometheus metrics at /metrics, /healthz, and the live
// dashboard at /. cpp-httplib stays inside this component.

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/engine_gauges.h"
#include "server/grpc_service.h"
#include "server/open311.h"

namespace httplib {
class Server;
}

namespace hotline::server {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 7346;  // 0: any free port
  // HTTPS with this certificate and key (PEM files) when both are set.
  std::string tls_cert;
  std::string tls_key;
  // Requests larger than this are refused (413).
  size_t max_body_bytes = 256 << 10;
};

class HttpService {
 public:
  // Binds and starts serving on a thread of its own. UNAVAILABLE when the
  // address cannot be bound, INVALID_ARGUMENT when the TLS files do not load.
  static absl::StatusOr<std::unique_ptr<HttpService>> Start(ServiceContext context,
                                                            const HttpOptions& options);
  // Stops (as Stop does).
  ~HttpService();

  int port() const { return port_; }
  // Stops accepting, lets requests being answered finish, joins the thread.
  void Stop();

 private:
  explicit HttpService(ServiceContext context);
  void Route();

  ServiceContext context_;
  Open311 open311_;
  EngineGauges gauges_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_HTTP_SERVICE_H_
