#include "cli/secret_argv.h"

#include <cstring>
#include <string_view>

namespace stressql::cli {
namespace {

// Writes "***" over `s` (of `n` bytes), NULs after it.
void mask(char* s, size_t n) {
  const size_t stars = n < 3 ? n : 3;
  std::memset(s, '*', stars);
  std::memset(s + stars, '\0', n - stars);
}

// In "http://user:password@host…", the password.
void mask_url_password(char* url) {
  std::string_view u(url);
  const size_t scheme = u.find("://");
  if (scheme == std::string_view::npos) return;
  size_t end = u.find_first_of("/?#", scheme + 3);
  if (end == std::string_view::npos) end = u.size();
  const size_t at = u.rfind('@', end);
  if (at == std::string_view::npos || at < scheme + 3) return;
  const size_t colon = u.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return;
  // Keep the text after the password: shift it left over the masked part.
  const size_t start = colon + 1;
  const size_t len = at - start;
  if (len <= 3) {
    std::memset(url + start, '*', len);
    return;
  }
  std::memset(url + start, '*', 3);
  const size_t tail = u.size() - at;
  std::memmove(url + start + 3, url + at, tail);
  std::memset(url + start + 3 + tail, '\0', len - 3);
}

}  // namespace

void hide_secrets_in_argv(int argc, char** argv) {
  static constexpr std::string_view kSecret[] = {"--token", "--password"};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--") break;
    for (std::string_view flag : kSecret) {
      if (arg == flag && i + 1 < argc) {
        mask(argv[i + 1], std::strlen(argv[i + 1]));
      } else if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
        mask(argv[i] + flag.size() + 1, arg.size() - flag.size() - 1);
      }
    }
    if (arg == "--results" && i + 1 < argc) mask_url_password(argv[i + 1]);
    if (arg.substr(0, 10) == "--results=") mask_url_password(argv[i] + 10);
  }
}

}  // namespace stressql::cli
