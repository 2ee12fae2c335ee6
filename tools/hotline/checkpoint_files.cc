#include "tools/hotline/checkpoint_files.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/audit_proof.h"
#include "store/status_macros.h"

namespace hotline::cli {

absl::StatusOr<std::optional<uint64_t>> CountFlag(const Flags& flags, const std::string& name) {
  std::optional<std::string> text = flags.Get(name);
  if (!text.has_value()) return std::nullopt;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(*text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": expected a number of records"));
  }
  return value;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& flag, const std::string& path,
                                          size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " is over ", max_bytes,
                                                   " bytes"));
  }
  return text;
}

absl::StatusOr<store::SignerKey> LoadSignerKey(const std::string& path) {
  HOTLINE_ASSIGN_OR_RETURN(std::string text, ReadSmallFile("--key", path, 4096));
  absl::StatusOr<store::SignerKey> key = store::ParseSignerKey(text);
  if (!key.ok()) return absl::InvalidArgumentError(absl::StrCat("--key: ", key.status().message()));
  return key;
}

absl::StatusOr<store::VerifierKey> LoadVerifierKey(const std::string& key_or_path) {
  std::string text = key_or_path;
  if (std::ifstream(key_or_path).good()) {
    HOTLINE_ASSIGN_OR_RETURN(text, ReadSmallFile("--verifier", key_or_path, 4096));
  }
  absl::StatusOr<store::VerifierKey> key = store::ParseVerifierKey(text);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--verifier: ", key.status().message()));
  }
  return key;
}

absl::StatusOr<store::TreeHead> OpenCheckpoint(const store::VerifierKey& verifier,
                                               const std::string& flag, const std::string& path) {
  HOTLINE_ASSIGN_OR_RETURN(std::string note, ReadSmallFile(flag, path));
  absl::StatusOr<std::string> text = store::OpenNote(verifier, note);
  if (!text.ok()) {
    return absl::Status(text.status().code(), absl::StrCat(flag, " ", path, ": signature: ",
                                                           text.status().message()));
  }
  absl::StatusOr<store::TreeHead> head = store::ParseCheckpointText(*text);
  if (!head.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " ", path, ": ",
                                                   head.status().message()));
  }
  return head;
}

}  // namespace hotline::cli
