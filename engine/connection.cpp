#include "engine/connection.h"

#include <linux/net_tstamp.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace stressql::engine {

int open_socket(const Address& address, int* fd) {
  *fd = socket(address.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (*fd < 0) return errno;
  int one = 1;
  int stamps = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  if (setsockopt(*fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
      setsockopt(*fd, SOL_SOCKET, SO_TIMESTAMPING, &stamps, sizeof(stamps)) != 0) {
    const int e = errno;
    close(*fd);
    *fd = -1;
    return e;
  }
  return 0;
}

void close_socket(int fd, bool abort) {
  if (fd < 0) return;
  if (abort) {
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  shutdown(fd, SHUT_RDWR);
  close(fd);
}

}  // namespace stressql::engine
