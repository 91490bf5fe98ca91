// scen_bind_privileged_port: binds TCP port 80 after dropping root to nobody (EACCES: below ip_unprivileged_port_start, no CAP_NET_BIND_SERVICE).
// Run by tests/scenarios/cases/bind_privileged_port.sh under whyfail.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "scen_harmless.h"


int main(void) {
  if (getuid() == 0) {
    // Drop to nobody the way daemons do before they bind.
    if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) return 2;
  }
  harmless_start();
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons(80);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr*)&sin, sizeof sin) < 0) {
    int err = errno;
    fprintf(stderr, "httpd: bind 127.0.0.1:80: %s\n", strerror(err));
    harmless_cleanup();
    return 1;
  }
  return 0;
}
