#pragma once
// The script files under tests/parser/{corpus,broken}/ in the source tree.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stressql::parser::testing {

inline std::vector<std::filesystem::path> files_under(const std::string& relative) {
  std::vector<std::filesystem::path> files;
  std::filesystem::path dir = std::filesystem::path(STRESSQL_SOURCE_DIR) / relative;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace stressql::parser::testing
