#include "engine/http_response.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "base/utf8.h"

namespace stressql::engine {

namespace {

ResponseParser* self(llhttp_t* p) { return static_cast<ResponseParser*>(p->data); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr char kDropped[] = "dropped=";
constexpr uint8_t kDroppedLen = sizeof(kDropped) - 1;
constexpr int64_t kMaxRetryAfterSeconds = 1'000'000;

}  // namespace

StreamMatcher::StreamMatcher(const char* pattern)
    : pattern_(pattern), len_(static_cast<uint8_t>(std::strlen(pattern))) {}

void StreamMatcher::feed(const char* at, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const char c = at[i];
    if (c == pattern_[matched_]) {
      if (++matched_ == len_) {
        matched_ = 0;
        ++count_;
      }
    } else {
      matched_ = c == pattern_[0] ? 1 : 0;
    }
  }
}

void JsonErrorScanner::feed(const char* at, size_t n) {
  for (size_t i = 0; i < n && !found_; ++i) {
    const char c = at[i];
    if (in_string_) {
      if (escape_) {
        escape_ = false;
        if (key_len_ < sizeof(key_)) key_[key_len_++] = '\\';  // never equals "error"
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        after_string_ = true;
      } else if (key_len_ < sizeof(key_)) {
        key_[key_len_++] = c;
      }
      continue;
    }
    if (after_string_) {
      if (is_space(c)) continue;
      after_string_ = false;
      if (c == ':' && key_len_ == 5 && std::memcmp(key_, "error", 5) == 0) {
        const bool top = key_depth_ == 1 && (stack_ & 1) != 0;
        const bool per_result = key_depth_ == 3 && (stack_ & 7) == 5;  // { [ {
        if (top || per_result) found_ = true;
        continue;
      }
    }
    switch (c) {
      case '"':
        in_string_ = true;
        key_len_ = 0;
        key_depth_ = depth_;
        break;
      case '{':
      case '[':
        if (depth_ < 64) {
          if (c == '{') stack_ |= (uint64_t{1} << depth_);
          else stack_ &= ~(uint64_t{1} << depth_);
        }
        ++depth_;
        break;
      case '}':
      case ']':
        if (depth_ > 0) --depth_;
        break;
      default:
        break;
    }
  }
}

const llhttp_settings_t* ResponseParser::settings() {
  static const llhttp_settings_t s = [] {
    llhttp_settings_t v;
    llhttp_settings_init(&v);
    v.on_message_begin = &ResponseParser::on_message_begin;
    v.on_header_field = &ResponseParser::on_header_field;
    v.on_header_field_complete = &ResponseParser::on_header_field_complete;
    v.on_header_value = &ResponseParser::on_header_value;
    v.on_header_value_complete = &ResponseParser::on_header_value_complete;
    v.on_headers_complete = &ResponseParser::on_headers_complete;
    v.on_body = &ResponseParser::on_body;
    v.on_message_complete = &ResponseParser::on_message_complete;
    return v;
  }();
  return &s;
}

ResponseParser::ResponseParser() { reset(false, false); }

void ResponseParser::reset(bool check_json_error, bool parse_dropped) {
  llhttp_init(&parser_, HTTP_RESPONSE, settings());
  parser_.data = this;
  check_json_error_ = check_json_error;
  parse_dropped_ = parse_dropped;
  started_ = false;
  complete_ = false;
  paused_ = false;
  response_ = HttpResponse();
}

ResponseParser::Result ResponseParser::feed(const char* data, size_t n, size_t* consumed) {
  parser_.data = this;
  if (paused_) {
    llhttp_resume(&parser_);
    paused_ = false;
  }
  complete_ = false;
  llhttp_errno_t rc = llhttp_execute(&parser_, data, n);
  if (rc == HPE_OK) {
    *consumed = n;
    return Result::kNeedMore;
  }
  if (rc == HPE_PAUSED && complete_) {
    paused_ = true;
    *consumed = static_cast<size_t>(llhttp_get_error_pos(&parser_) - data);
    return Result::kComplete;
  }
  *consumed = n;
  return Result::kError;
}

ResponseParser::Result ResponseParser::finish() {
  parser_.data = this;
  if (paused_) {
    llhttp_resume(&parser_);
    paused_ = false;
  }
  if (!started_ || complete_) return Result::kError;
  complete_ = false;
  llhttp_errno_t rc = llhttp_finish(&parser_);
  if ((rc == HPE_OK || rc == HPE_PAUSED) && complete_) return Result::kComplete;
  return Result::kError;
}

int ResponseParser::on_message_begin(llhttp_t* p) {
  ResponseParser* s = self(p);
  s->response_ = HttpResponse();
  s->started_ = true;
  s->complete_ = false;
  s->field_len_ = 0;
  s->field_overflow_ = false;
  s->in_retry_after_ = false;
  s->dropped_match_ = 0;
  s->in_dropped_digits_ = false;
  s->dropped_value_ = 0;
  s->partial_write_.reset();
  s->line_number_.reset();
  s->json_.reset();
  return 0;
}

int ResponseParser::on_header_field(llhttp_t* p, const char* at, size_t n) {
  ResponseParser* s = self(p);
  for (size_t i = 0; i < n; ++i) {
    if (s->field_len_ == sizeof(s->field_)) {
      s->field_overflow_ = true;
      break;
    }
    s->field_[s->field_len_++] = lower(at[i]);
  }
  return 0;
}

int ResponseParser::on_header_field_complete(llhttp_t* p) {
  ResponseParser* s = self(p);
  static constexpr char kRetryAfter[] = "retry-after";
  s->in_retry_after_ = !s->field_overflow_ && s->field_len_ == sizeof(kRetryAfter) - 1 &&
                       std::memcmp(s->field_, kRetryAfter, s->field_len_) == 0;
  s->field_len_ = 0;
  s->field_overflow_ = false;
  s->value_ = 0;
  s->value_ok_ = true;
  s->value_seen_digit_ = false;
  return 0;
}

int ResponseParser::on_header_value(llhttp_t* p, const char* at, size_t n) {
  ResponseParser* s = self(p);
  if (!s->in_retry_after_) return 0;
  // Only delta-seconds; an HTTP-date is ignored (treated as absent).
  for (size_t i = 0; i < n && s->value_ok_; ++i) {
    const char c = at[i];
    if (c >= '0' && c <= '9') {
      s->value_seen_digit_ = true;
      if (s->value_ < kMaxRetryAfterSeconds) s->value_ = s->value_ * 10 + (c - '0');
    } else if (!is_space(c)) {
      s->value_ok_ = false;
    }
  }
  return 0;
}

int ResponseParser::on_header_value_complete(llhttp_t* p) {
  ResponseParser* s = self(p);
  if (s->in_retry_after_ && s->value_ok_ && s->value_seen_digit_) s->response_.retry_after_s = s->value_;
  s->in_retry_after_ = false;
  return 0;
}

int ResponseParser::on_headers_complete(llhttp_t* p) {
  self(p)->response_.status = static_cast<uint16_t>(llhttp_get_status_code(p));
  return 0;
}

int ResponseParser::on_body(llhttp_t* p, const char* at, size_t n) {
  ResponseParser* s = self(p);
  s->response_.body_bytes += n;
  HttpResponse& r = s->response_;
  if (r.head_len < HttpResponse::kHeadBytes) {
    const size_t take = std::min(n, HttpResponse::kHeadBytes - r.head_len);
    std::memcpy(r.head + r.head_len, at, take);
    r.head_len = static_cast<uint16_t>(r.head_len + take);
  }
  if (s->parse_dropped_) {
    s->scan_dropped(at, n);
    s->partial_write_.feed(at, n);
    s->line_number_.feed(at, n);
  }
  if (s->check_json_error_) s->json_.feed(at, n);
  return 0;
}

int ResponseParser::on_message_complete(llhttp_t* p) {
  ResponseParser* s = self(p);
  s->response_.keep_alive = llhttp_should_keep_alive(p) != 0;
  s->response_.json_error = s->json_.found();
  HttpResponse& r = s->response_;
  if (!r.has_dropped && s->partial_write_.count() > 0 && s->line_number_.count() > 0) {
    // InfluxDB 3 lists each rejected line (at most 100 of them); the rest were written.
    r.has_dropped = true;
    r.dropped = s->line_number_.count();
  }
  s->complete_ = true;
  s->started_ = false;
  // Stop after exactly one response so the caller can account for it before the next.
  return HPE_PAUSED;
}

void ResponseParser::scan_dropped(const char* at, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const char c = at[i];
    if (in_dropped_digits_) {
      if (c >= '0' && c <= '9') {
        if (dropped_value_ < 0xffffffffu) dropped_value_ = dropped_value_ * 10 + static_cast<uint64_t>(c - '0');
        response_.has_dropped = true;
        response_.dropped = dropped_value_ > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(dropped_value_);
        continue;
      }
      in_dropped_digits_ = false;
    }
    if (c == kDropped[dropped_match_]) {
      if (++dropped_match_ == kDroppedLen) {
        dropped_match_ = 0;
        in_dropped_digits_ = true;
        dropped_value_ = 0;
      }
    } else {
      // Only a 'd' can restart the pattern inside "dropped=".
      dropped_match_ = (c == 'd') ? 1 : 0;
    }
  }
}

void error_message(const HttpResponse& r, char* out, size_t cap) {
  if (cap == 0) return;
  std::string_view body(r.head, r.head_len);
  size_t n = 0;
  bool cut = false;
  auto put = [&](char c) {
    if (n + 1 >= cap) {
      cut = true;
      return;
    }
    // A control character (an escape sequence, a raw line break) would reach the terminal.
    out[n++] = (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? ' ' : c;
  };
  size_t key = body.find("\"error\"");
  size_t key_len = 7;
  if (key == std::string_view::npos) {
    key = body.find("\"message\"");
    key_len = 9;
  }
  size_t colon = key == std::string_view::npos ? key : body.find(':', key + key_len);
  size_t open = colon == std::string_view::npos ? colon : body.find('"', colon);
  if (open != std::string_view::npos) {
    for (size_t i = open + 1; i < body.size() && body[i] != '"'; ++i) {
      if (body[i] == '\\' && i + 1 < body.size()) ++i;  // \" and \\ keep the escaped char
      put(body[i]);
    }
  } else {
    bool space = false;
    for (char c : body) {
      if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
        space = n > 0;
        continue;
      }
      if (space) put(' ');
      space = false;
      put(c);
    }
  }
  // Cut where a character starts, not inside one; ill-formed bytes stay for the writers to
  // replace (base::utf8_sanitize), which would otherwise allocate here.
  if (cut) n = base::utf8_complete_prefix(std::string_view(out, n));
  out[n] = '\0';
}

}  // namespace stressql::engine
