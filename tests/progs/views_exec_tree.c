/* views_exec_tree: a three-level process tree that execs programs whose argv
 * holds spaces, quotes, newlines and escape bytes, one exec that fails
 * (ENOENT) and one script. Every exec attempt is written to MANIFEST first
 * (so the test compares what was really done, not a copy of the plan):
 *   EXEC <pid> <ppid> x<path hex> x<arg hex> x<arg hex> ...
 *   FAIL <pid> <errno>
 * Usage: views_exec_tree L0 MANIFEST SCRIPT   (the test execs this; L1, L2 are internal)
 *        views_exec_tree MANY N                (execs /bin/true with N arguments) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *g_manifest;

static void hex(char *out, const char *s) {
  static const char d[] = "0123456789abcdef";
  *out++ = 'x';
  for (; *s; ++s) {
    *out++ = d[(unsigned char)*s >> 4];
    *out++ = d[(unsigned char)*s & 15];
  }
  *out = 0;
}

static void note(const char *line) {
  int fd = open(g_manifest, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0) _exit(90);
  if (write(fd, line, strlen(line)) < 0) _exit(91);
  close(fd);
}

/* Writes the EXEC line, execs; on failure writes FAIL and returns errno. */
static int logged_exec(const char *path, char *const argv[]) {
  static char line[1 << 16];
  int n = snprintf(line, sizeof line, "EXEC %d %d ", (int)getpid(), (int)getppid());
  hex(line + n, path);
  for (int i = 0; argv[i]; ++i) {
    strcat(line, " ");
    hex(line + strlen(line), argv[i]);
  }
  strcat(line, "\n");
  note(line);
  execv(path, argv);
  int err = errno;
  snprintf(line, sizeof line, "FAIL %d %d\n", (int)getpid(), err);
  note(line);
  return err;
}

static int wait_child(pid_t c) {
  int st = 0;
  if (waitpid(c, &st, 0) < 0) return 92;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 93;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "MANY") == 0) {
    int n = atoi(argv[2]);
    char **v = calloc((size_t)n + 2, sizeof *v);
    v[0] = "true";
    for (int i = 1; i <= n; ++i) {
      v[i] = malloc(16);
      snprintf(v[i], 16, "many-%d", i);
    }
    execv("/bin/true", v);
    return 94;
  }
  if (argc < 4) return 2;
  g_manifest = argv[2];
  const char *script = argv[3];
  char self[4096];
  ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
  if (k <= 0) return 95;
  self[k] = 0;

  if (strcmp(argv[1], "L0") == 0) {
    pid_t c = fork();
    if (c == 0) {
      char *v[] = {"views_exec_tree", "L1", (char *)g_manifest, (char *)script,
                   "two words", "q\"uo'te", "new\nline", "esc\x1b[31m\x01\x7f\xff", "", "back\\slash", NULL};
      logged_exec(self, v);
      _exit(96);
    }
    return wait_child(c);
  }
  if (strcmp(argv[1], "L1") == 0) {
    pid_t c = fork();
    if (c == 0) {
      char *v[48];
      int i = 0;
      v[i++] = "views_exec_tree";
      v[i++] = "L2";
      v[i++] = (char *)g_manifest;
      v[i++] = (char *)script;
      static char many[40][16];
      for (int j = 0; j < 40; ++j) {
        snprintf(many[j], sizeof many[j], "arg\t%d", j);
        v[i++] = many[j];
      }
      v[i] = NULL;
      logged_exec(self, v);
      _exit(97);
    }
    return wait_child(c);
  }
  if (strcmp(argv[1], "L2") == 0) {
    char *missing[] = {"views-no-such-prog", "x y", NULL};
    if (logged_exec("/nonexistent-views-dir/views-no-such-prog", missing) != ENOENT) return 98;
    char *s[] = {(char *)script, "from L2", "it's", NULL};
    logged_exec(script, s);
    return 99;
  }
  return 2;
}
