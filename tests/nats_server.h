#ifndef HOTLINE_TESTS_NATS_SERVER_H_
#define HOTLINE_TESTS_NATS_SERVER_H_

// A real nats-server (Debian's /usr/sbin/nats-server) with JetStream, one
// node, on a free loopback port and a store directory of its own, as a
// child process of the test: for the replication tests that need one
// server, not a cluster (tests/replication/ start a 3-node cluster).

#include <sys/types.h>

#include <memory>
#include <string>

#include "tests/temp_dir.h"

namespace hotline::testing {

class NatsServer {
 public:
  // Starts the server and waits until JetStream answers; fails the test
  // (and returns nullptr) when it does not within 10 s.
  static std::unique_ptr<NatsServer> Start();
  // Kills the server (SIGKILL) and removes its store.
  ~NatsServer();

  // nats://127.0.0.1:PORT
  const std::string& url() const { return url_; }
  // SIGSTOP / SIGCONT: a hung server, then a live one again.
  void Pause();
  void Resume();

 private:
  NatsServer() = default;
  TempDir dir_;
  pid_t pid_ = -1;
  std::string url_;
};

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_NATS_SERVER_H_
