/// Lets the global options stand before the subcommand: ArgumentParser reads them in each
/// subcommand's `@OptionGroup`, so those that precede the subcommand's name move to just
/// after it (`tidings-cli --json feed …` becomes `tidings-cli feed --json …`).
enum ArgumentOrder {
    static let valueOptions: Set<String> = ["--url", "--key", "--token"]
    static let flags: Set<String> = ["--json"]
    /// Commands whose options live in their subcommands (`bench fanout`): the options move
    /// past the subcommand's name too.
    static let commandGroups: Set<String> = ["bench"]

    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var hoisted = [String]()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if flags.contains(argument) || valueOptions.contains(where: { argument.hasPrefix($0 + "=") }) {
                hoisted.append(argument)
                index += 1
            } else if valueOptions.contains(argument), index + 1 < arguments.endIndex {
                hoisted += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        // Nothing to move, or no subcommand after the options: leave it to the parser.
        guard !hoisted.isEmpty, index < arguments.endIndex, !arguments[index].hasPrefix("-") else { return arguments }
        var names = index + 1
        if commandGroups.contains(arguments[index]), names < arguments.endIndex, !arguments[names].hasPrefix("-") {
            names += 1
        }
        return Array(arguments[index..<names]) + hoisted + arguments[names...]
    }
}
