public enum BPFObject { public static var bytes: [UInt8] { EmbeddedBPF.object } }
