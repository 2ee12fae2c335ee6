#include "server/principals.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/command_validation.h"
#include "google/protobuf/util/json_util.h"
#include "hotline/v1/principal.pb.h"

namespace hotline::server {
namespace {

using hotline::v1::Role;

bool IsLowerHex64(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

absl::Status CheckPrincipal(const Principal& p) {
  if (!engine::IsValidId(p.id, 64)) {
    return absl::InvalidArgumentError("id: must be 1 to 64 bytes of [A-Za-z0-9._:-]");
  }
  if (p.role == Role::ROLE_UNSPECIFIED || p.role == Role::SYSTEM || !Role::Value_IsValid(p.role)) {
    return absl::InvalidArgumentError(
        "role: must be OPERATOR, DISPATCHER, SUPERVISOR, UNIT_STAFF, ADMIN or AUDITOR "
        "(SYSTEM is the engine itself, never a caller)");
  }
  if (p.role == Role::UNIT_STAFF && !engine::IsValidId(p.unit_id, 64)) {
    return absl::InvalidArgumentError(
        "unitId: UNIT_STAFF needs a unit id of 1 to 64 bytes of [A-Za-z0-9._:-]");
  }
  if (p.role != Role::UNIT_STAFF && !p.unit_id.empty()) {
    return absl::InvalidArgumentError("unitId: only UNIT_STAFF belong to a unit");
  }
  return absl::OkStatus();
}

absl::StatusOr<Principals> Principals::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("tokens file ", path, ": cannot be read"));
  Principals out;
  std::string line;
  size_t number = 0;
  // getline would read an unbounded line into memory; read a char at a time
  // up to the bound instead.
  auto next_line = [&]() -> absl::StatusOr<bool> {
    line.clear();
    char c;
    bool any = false;
    while (in.get(c)) {
      any = true;
      if (c == '\n') return true;
      if (line.size() == kMaxTokensLineBytes) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tokens file ", path, " line ", number + 1, ": over ", kMaxTokensLineBytes, " bytes"));
      }
      line.push_back(c);
    }
    if (in.bad()) return absl::DataLossError(absl::StrCat("tokens file ", path, ": read error"));
    return any;
  };
  while (true) {
    absl::StatusOr<bool> more = next_line();
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++number;
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("tokens file ", path, " line ", number, ": ", why));
    };
    if (out.by_hash_.size() == kMaxPrincipals) {
      return bad(absl::StrCat("more than ", kMaxPrincipals, " principals"));
    }
    hotline::v1::PrincipalEntry entry;
    if (auto s = google::protobuf::util::JsonStringToMessage(std::string(text), &entry); !s.ok()) {
      return bad(s.message().as_string());
    }
    if (!IsLowerHex64(entry.token_sha256())) {
      return bad("tokenSha256: must be 64 lowercase hex digits (the SHA-256 of the token)");
    }
    Principal principal{entry.id(), entry.role(), entry.unit_id()};
    if (absl::Status s = CheckPrincipal(principal); !s.ok()) return bad(s.message());
    if (!out.by_hash_.emplace(entry.token_sha256(), std::move(principal)).second) {
      return bad("tokenSha256: the same token hash is given twice");
    }
  }
  return out;
}

const Principal* Principals::Find(absl::string_view token) const {
  auto it = by_hash_.find(TokenSha256Hex(token));
  return it == by_hash_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::string> NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return absl::InternalError("OpenSSL's random generator failed");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string TokenSha256Hex(absl::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string PrincipalLine(const Principal& principal, absl::string_view token) {
  hotline::v1::PrincipalEntry entry;
  entry.set_token_sha256(TokenSha256Hex(token));
  entry.set_id(principal.id);
  entry.set_role(principal.role);
  entry.set_unit_id(principal.unit_id);
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(entry, &json, options);
  return json;
}

}  // namespace hotline::server
