#include "tests/nats_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "replication/jetstream.h"

namespace hotline::testing {
namespace {

// A port the kernel just handed out and took back: free unless another
// process takes it in the moment before the server binds it.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

std::unique_ptr<NatsServer> NatsServer::Start() {
  std::unique_ptr<NatsServer> server(new NatsServer());
  const int port = FreePort();
  server->url_ = absl::StrCat("nats://127.0.0.1:", port);
  const std::string port_arg = absl::StrCat(port), store = server->dir_.Sub("store"),
                    log = server->dir_.Sub("nats.log");
  server->pid_ = fork();
  if (server->pid_ < 0) std::abort();
  if (server->pid_ == 0) {
    // Dies with the test (a test that aborts runs no destructor), and holds
    // none of its output pipes (ctest would wait for them): it logs to -l.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int null = open("/dev/null", O_RDWR);
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) dup2(null, fd);
    execl("/usr/sbin/nats-server", "nats-server", "-js", "-a", "127.0.0.1", "-p",
          port_arg.c_str(), "-sd", store.c_str(), "-l", log.c_str(), nullptr);
    std::_Exit(127);
  }
  replication::NatsOptions options;
  options.servers = {server->url_};
  options.request_timeout = absl::Seconds(1);
  options.publish_deadline = absl::Seconds(1);
  for (absl::Time until = absl::Now() + absl::Seconds(10); absl::Now() < until;) {
    auto js = replication::JetStream::Connect(options);
    if (js.ok() && absl::IsNotFound((*js)->LastSequence("0000000000000000").status())) {
      return server;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  ADD_FAILURE() << "nats-server did not serve JetStream on " << server->url_ << " within 10 s";
  return nullptr;
}

NatsServer::~NatsServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGCONT);
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

void NatsServer::Pause() { kill(pid_, SIGSTOP); }
void NatsServer::Resume() { kill(pid_, SIGCONT); }

}  // namespace hotline::testing
