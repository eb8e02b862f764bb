import Testing

@Test("the client test target builds")
func clientTargetBuilds() {
    #expect(Bool(true))
}
