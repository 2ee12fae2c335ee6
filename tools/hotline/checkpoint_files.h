#ifndef HOTLINE_TOOLS_HOTLINE_CHECKPOINT_FILES_H_
#define HOTLINE_TOOLS_HOTLINE_CHECKPOINT_FILES_H_

// The files of the transparency subcommands (docs/audit.md): signer and
// verifier keys (C2SP signed-note keys), signed checkpoints (C2SP
// tlog-checkpoint), proof documents. All read as hostile input.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "store/event_log.h"
#include "store/signed_note.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {

// The value of a count flag such as --size; nullopt when absent.
// INVALID_ARGUMENT naming the flag when it is not a decimal number.
absl::StatusOr<std::optional<uint64_t>> CountFlag(const Flags& flags, const std::string& name);

// The whole of a small file; INVALID_ARGUMENT naming `flag` when it cannot
// be read or is over `max_bytes`.
absl::StatusOr<std::string> ReadSmallFile(const std::string& flag, const std::string& path,
                                          size_t max_bytes = 1 << 20);

// The signer key in the file `path` (--key); errors name the flag.
absl::StatusOr<store::SignerKey> LoadSignerKey(const std::string& path);
// The verifier key: the key text itself or a file holding it (--verifier).
absl::StatusOr<store::VerifierKey> LoadVerifierKey(const std::string& key_or_path);

// The tree head a checkpoint file signs, after checking its signature by
// `verifier`. `flag` names the file in errors (PERMISSION_DENIED for a
// signature that does not verify, INVALID_ARGUMENT for a malformed note).
absl::StatusOr<store::TreeHead> OpenCheckpoint(const store::VerifierKey& verifier,
                                               const std::string& flag, const std::string& path);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_HOTLINE_CHECKPOINT_FILES_H_
