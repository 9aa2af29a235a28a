#pragma once
// Status: success, or an error with a message (leveldb style). No exceptions cross library
// boundaries in stressql.

#include <string>
#include <string_view>
#include <utility>

namespace stressql::base {

class Status {
 public:
  Status() = default;  // OK
  static Status ok() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message)); }

  bool is_ok() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

}  // namespace stressql::base
