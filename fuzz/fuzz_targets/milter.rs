//! The milter codec and session on arbitrary bytes from the "MTA": decoded whole and in chunks (the
//! first byte picks the chunk size), which must agree; every decoded command must survive
//! `encode_command` → decode unchanged; every command goes through a `Session` with small limits,
//! every end of body is answered, and every response must encode to well-framed packets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spearwatch_milter::{
    encode, encode_command, Action, Command, Config, DecodeError, Decoder, Response, Session, Step,
};

const MAX_DATA: usize = 4096;
const MAX_MESSAGE: usize = 2048;

fn fatal(e: &DecodeError) -> bool {
    matches!(e, DecodeError::EmptyPacket | DecodeError::TooLarge { .. })
}

/// Pull until more bytes are needed or the framing broke.
fn pull(d: &mut Decoder, out: &mut Vec<Result<Command, DecodeError>>) -> bool {
    loop {
        match d.next_command() {
            Ok(Some(c)) => out.push(Ok(c)),
            Ok(None) => return true,
            Err(e) => {
                let stop = fatal(&e);
                out.push(Err(e));
                if stop {
                    return false;
                }
            }
        }
    }
}

/// Every packet's length covers exactly the bytes that follow it.
fn assert_framed(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_first_chunk::<4>().expect("length");
        let len = u32::from_be_bytes(*len) as usize;
        assert!(len >= 1 && rest.len() >= len, "bad framing");
        bytes = &rest[len..];
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, data)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk % 64) + 1;

    let mut whole = Vec::new();
    let mut d = Decoder::with_max_data(MAX_DATA);
    d.feed(data);
    pull(&mut d, &mut whole);

    let mut pieces = Vec::new();
    let mut d = Decoder::with_max_data(MAX_DATA);
    for c in data.chunks(chunk) {
        d.feed(c);
        if !pull(&mut d, &mut pieces) {
            break;
        }
    }
    assert_eq!(whole, pieces, "chunking changed the commands");

    let mut session = Session::new(Config {
        max_message_bytes: MAX_MESSAGE,
        max_envelope_bytes: 512,
    });
    let mut out = Vec::new();
    for command in whole.into_iter().flatten() {
        let mut again = Vec::new();
        encode_command(&command, &mut again);
        let mut d = Decoder::new();
        d.feed(&again);
        assert_eq!(d.next_command(), Ok(Some(command.clone())), "round trip");
        assert_eq!(d.buffered(), 0);

        let responses: Vec<Response> = match session.handle(command) {
            Step::Reply(r) => r,
            Step::None => Vec::new(),
            Step::Close => break,
            Step::Scan(env) => {
                assert!(env.raw.len() <= MAX_MESSAGE);
                let tag = String::from_utf8_lossy(&env.raw[..env.raw.len().min(12)]).into_owned();
                let mut actions = vec![
                    Action::AddHeader {
                        name: tag.clone(),
                        value: tag.clone(),
                    },
                    Action::PrefixSubject(tag.clone()),
                    Action::Quarantine(tag.clone()),
                ];
                let verdict = match env.raw.len() % 3 {
                    0 => Action::Accept,
                    1 => Action::reject(tag),
                    _ => Action::Tempfail { text: tag },
                };
                actions.push(verdict);
                let r = session.finish(&actions);
                assert!(matches!(
                    r.last(),
                    Some(Response::Continue | Response::ReplyCode(_))
                ));
                r
            }
        };
        for r in &responses {
            encode(r, &mut out);
        }
    }
    assert_framed(&out);
});
