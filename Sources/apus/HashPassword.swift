import ArgumentParser
import HTTPAPI

/// `apus hash-password`: the bcrypt hash to put in the users file, from a password read on
/// standard input so that it never appears in the shell's history or the process list.
struct HashPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Print the bcrypt hash of the password read from standard input, for APUS_USERS_FILE.")

    @Option(help: "bcrypt cost: each step doubles the work (default 12).")
    var cost: Int = 12

    mutating func run() async throws {
        guard (10...16).contains(cost) else { throw ValidationError("--cost must be between 10 and 16") }
        guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw ValidationError("no password on standard input")
        }
        print(UserDirectory.hash(password: password, cost: UInt8(cost)))
    }
}
