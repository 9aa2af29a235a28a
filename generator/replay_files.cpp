#include "generator/replay_files.h"

#include <memory>
#include <variant>

#include "generator/lp_stream.h"

namespace stressql::generator {

std::string resolve_replay_path(const std::string& script_directory, const std::string& path) {
  if (path.empty() || path[0] == '/' || script_directory.empty() || script_directory == ".") return path;
  return script_directory + (script_directory.back() == '/' ? "" : "/") + path;
}

void check_replay_files(const parser::Script& script, std::vector<parser::Diagnostic>* errors) {
  for (const parser::Statement& st : script.statements) {
    const auto* insert = std::get_if<parser::InsertStmt>(&st.body);
    if (insert == nullptr || !insert->replay()) continue;
    const std::string path = resolve_replay_path(script.directory, insert->from_path);
    std::unique_ptr<LpStream> stream;
    base::Status status = LpStream::open(path, &stream);
    if (status) {
      char probe[1];
      size_t got = 0;
      status = stream->read(probe, sizeof probe, &got);
    }
    if (!status) {
      const bool relative = insert->from_path[0] != '/';
      errors->push_back({insert->from_pos, "cannot replay '" + path + "': " + status.message() +
                                               "; expected a readable line-protocol file (plain "
                                               "or gzip)" +
                                               (relative ? ", relative to the script's directory" : "")});
    }
  }
}

}  // namespace stressql::generator
