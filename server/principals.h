#ifndef HOTLINE_SERVER_PRINCIPALS_H_
#define HOTLINE_SERVER_PRINCIPALS_H_

// Who may call the service: the principals of a tokens file, found by the
// SHA-256 of the bearer token a caller presents. The file holds hashes only,
// so a copy of it (a backup, a config repository) grants nothing.

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/enums.pb.h"

namespace hotline::server {

// An authenticated caller: the actor of every command it executes.
struct Principal {
  std::string id;
  hotline::v1::Role::Value role = hotline::v1::Role::ROLE_UNSPECIFIED;
  std::string unit_id;  // UNIT_STAFF only
};

// Bounds of a tokens file: a line, and the lines in all.
inline constexpr size_t kMaxTokensLineBytes = 4096;
inline constexpr size_t kMaxPrincipals = 100000;

// INVALID_ARGUMENT naming the field unless `principal` may be one: an id of
// 1-64 bytes of [A-Za-z0-9._:-], a role other than SYSTEM and unspecified,
// a unit id (same form) exactly when the role is UNIT_STAFF.
absl::Status CheckPrincipal(const Principal& principal);

// The principals of one tokens file. Immutable; share it between threads.
class Principals {
 public:
  // Reads a tokens file: one hotline.v1.PrincipalEntry per line as JSON
  // (blank lines and lines starting with '#' are skipped). NOT_FOUND when
  // it does not exist; INVALID_ARGUMENT naming the line for a line over
  // kMaxTokensLineBytes, more than kMaxPrincipals lines, malformed JSON or
  // an unknown field, a hash that is not 64 lowercase hex digits, a hash
  // given twice, or a principal CheckPrincipal refuses.
  static absl::StatusOr<Principals> Load(const std::string& path);

  // The principal holding `token`, nullptr for an unknown token.
  const Principal* Find(absl::string_view token) const;
  size_t size() const { return by_hash_.size(); }

 private:
  absl::flat_hash_map<std::string, Principal> by_hash_;  // hex SHA-256 -> principal
};

// A fresh token: 32 bytes from OpenSSL's CSPRNG as 64 hex digits.
// INTERNAL if the generator fails.
absl::StatusOr<std::string> NewToken();

// SHA-256 of `token`, 64 lowercase hex digits.
std::string TokenSha256Hex(absl::string_view token);

// The tokens-file line (JSON, no newline) naming `principal` by the hash of
// `token`.
std::string PrincipalLine(const Principal& principal, absl::string_view token);

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_PRINCIPALS_H_
