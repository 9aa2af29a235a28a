#pragma once
// Secrets given on the command line (--token, --password, a password in a --results URL)
// are visible to every user in `ps` and /proc/PID/cmdline for as long as the process runs.
// Once the flags are parsed (CLI11 keeps its own copies), their argv bytes are overwritten.

namespace stressql::cli {

// Overwrites in place the values of --token and --password (as "--flag VALUE" or
// "--flag=VALUE") with "***", and the password of a user:password@ in a --results URL.
// Call after parsing; argv keeps its shape (the freed bytes become NULs).
void hide_secrets_in_argv(int argc, char** argv);

}  // namespace stressql::cli
