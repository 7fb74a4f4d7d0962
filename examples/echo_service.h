// EchoService: a TCP echo server on a Loop, and the clients that test it,
// written once for both platforms (examples/echo_server, the soak test).
//
// The server echoes every byte back on every connection until the peer
// ends, then ends its side (Node's default allowHalfOpen: false). It
// respects backpressure as Node's stream.pipe does: when a Write says the
// queue passed the high-water mark it pauses reading that socket, and
// resumes on 'drain', so a client that sends without reading holds a
// bounded amount of the server's memory. A client that vanishes, resets or
// misbehaves costs only its own socket.
//
// Threading: the loop's thread.
#ifndef TWINLOOP_EXAMPLES_ECHO_SERVICE_H_
#define TWINLOOP_EXAMPLES_ECHO_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "runtime/loop.h"

namespace examples {

class EchoServer {
 public:
  explicit EchoServer(runtime::Loop* loop) : loop_(loop) {}

  // Listens; `on_listening` gets the status and, once listening, the port.
  absl::Status Start(const std::string& host, int port,
                     std::function<void(absl::Status, int port)> on_listening);
  // Closes the listener and destroys every connection.
  void Stop();

  int64_t connections() const { return connections_; }
  int64_t bytes_echoed() const { return bytes_echoed_; }
  size_t open_sockets() const { return open_.size(); }
  // The errno names of connections that ended in an error, counted.
  const std::map<std::string, int64_t>& errors() const { return errors_; }

 private:
  void Serve(runtime::SocketId s);

  runtime::Loop* const loop_;
  runtime::ServerId server_ = 0;
  bool stopped_ = false;
  std::set<runtime::SocketId> open_;
  int64_t connections_ = 0;
  int64_t bytes_echoed_ = 0;
  std::map<std::string, int64_t> errors_;
};

// One client: connects, sends `payload` in writes of at most `chunk_bytes`
// (respecting 'drain'), ends, and collects what comes back. If `vanish_after`
// is >= 0 it destroys its socket once that many bytes came back, as a client
// that disappears mid-stream.
struct EchoClientResult {
  absl::Status status;     // OK, or what closed the connection
  std::string received;    // what came back
};
void RunEchoClient(runtime::Loop* loop, const std::string& host, int port, std::string payload,
                   int64_t chunk_bytes, int64_t vanish_after, runtime::Duration connect_timeout,
                   std::function<void(EchoClientResult)> done);

}  // namespace examples

#endif  // TWINLOOP_EXAMPLES_ECHO_SERVICE_H_
