#ifndef HOTLINE_TOOLS_HOTLINE_CLI_H_
#define HOTLINE_TOOLS_HOTLINE_CLI_H_

// The pieces every `hotline` subcommand shares: flag parsing, the exit codes
// of cli.md, opening the engine.

#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/engine.h"

namespace hotline::cli {

// Exit codes of cli.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRefused = 3;

struct FlagSpec {
  std::string name;   // without the leading "--"
  bool takes_value;
  std::string help;
};

// Parsed command-line flags of one subcommand.
class Flags {
 public:
  // Parses `args` (after the subcommand name). Accepts "--name value",
  // "--name=value" and boolean "--name"; everything else is positional.
  // "--db DIR", "--master-key-file FILE" and "--help" are accepted by every
  // subcommand. INVALID_ARGUMENT
  // names an unknown flag, a missing value, or a wrong positional count.
  static absl::StatusOr<Flags> Parse(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs,
                                     size_t min_positional, size_t max_positional);

  bool Has(const std::string& name) const { return values_.contains(name); }
  std::optional<std::string> Get(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // --db, default ./hotline-data.
  std::string db() const { return Get("db").value_or("./hotline-data"); }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

struct Subcommand {
  std::string name;
  std::string usage;    // "show TICKET [--as-of T] [--json]"
  std::string summary;  // one line
  std::vector<FlagSpec> flags;
  size_t min_positional = 0;
  size_t max_positional = 0;
  int (*run)(const Flags& flags);
};

// Every subcommand, in the order `hotline --help` lists them.
const std::vector<Subcommand>& Subcommands();

// The subcommands' entries, one per file.
Subcommand ApplyCommand();
Subcommand ShowCommand();
Subcommand HistoryCommand();
Subcommand StatsCommand();
Subcommand ExportCommand();
Subcommand SlaCommand();
Subcommand TimersCommand();
Subcommand PolicyCommand();
Subcommand ReportCommand();
Subcommand VerifyCommand();
Subcommand ImportCommand();
Subcommand RebuildCommand();
Subcommand SimulateCommand();
Subcommand BackupCommand();
Subcommand ServeCommand();
Subcommand TokenCommand();
Subcommand KeygenCommand();
Subcommand CheckpointCommand();
Subcommand ProveCommand();
Subcommand VerifyProofCommand();
Subcommand FollowCommand();
Subcommand KeygenMasterCommand();
Subcommand EraseCommand();
Subcommand ResealCommand();

// Opens the engine at --db: read-write for writers; read-only otherwise, so
// that readers work beside a running writer and on a copied directory.
absl::StatusOr<std::unique_ptr<engine::Engine>> OpenEngine(const Flags& flags,
                                                           bool writable,
                                                           bool backfill = false);

// Sets options->master_key from --master-key-file (accepted by every
// subcommand) when given; INVALID_ARGUMENT names the flag when the file
// cannot be read or is not 32 bytes.
absl::Status SetUpMasterKey(const Flags& flags, engine::EngineOptions* options);

// Writes `bytes` to the new file `path`, owner-only, synced: for secrets
// (keys), which are never overwritten. FAILED_PRECONDITION when `path`
// exists or cannot be created, DATA_LOSS when the write fails.
absl::Status WriteSecretFile(const std::string& path, absl::string_view bytes);

// INVALID_ARGUMENT "--NAME is required" for the first of `names` not given.
absl::Status RequireFlags(const Flags& flags, std::initializer_list<const char*> names);

// Parses a --as-of style time in the policy's zone; INVALID_ARGUMENT names
// the flag.
absl::StatusOr<absl::Time> ParseTimeFlag(const Flags& flags, const std::string& name,
                                         const engine::Engine& engine);

// Prints "hotline NAME: message" to stderr and returns kExitFailure.
int Fail(const std::string& name, const absl::Status& status);

// Prints "hotline NAME: message" and the usage line to stderr and returns
// kExitUsage: for bad flags and flag values.
int Usage(const Subcommand& command, const absl::Status& status);

// The subcommand named `name`; for Usage() from within a subcommand.
const Subcommand& FindSubcommand(const std::string& name);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_HOTLINE_CLI_H_
