import { describe, expect, it } from "vitest";
import { compileJsonPath, JsonPathError } from "../../src/bins/json-path";

const query = (expression: string, document: unknown): unknown[] => compileJsonPath(expression)(document);

// Goessner's example document from https://goessner.net/articles/JsonPath/
const sayings = { category: "reference", author: "Nigel Rees", title: "Sayings of the Century", price: 8.95 };
const sword = { category: "fiction", author: "Evelyn Waugh", title: "Sword of Honour", price: 12.99 };
const moby = { category: "fiction", author: "Herman Melville", title: "Moby Dick", isbn: "0-553-21311-3", price: 8.99 };
const rings = {
  category: "fiction",
  author: "J. R. R. Tolkien",
  title: "The Lord of the Rings",
  isbn: "0-395-19395-8",
  price: 22.99,
};
const bicycle = { color: "red", price: 19.95 };
const books = [sayings, sword, moby, rings];
const store = { store: { book: books, bicycle } };

describe("the Goessner bookstore examples", () => {
  it("finds the authors of all books in the store", () => {
    const authors = ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"];
    expect(query("$.store.book[*].author", store)).toEqual(authors);
    expect(query("$..author", store)).toEqual(authors);
  });

  it("finds all things in the store", () => {
    expect(query("$.store.*", store)).toEqual([books, bicycle]);
  });

  it("finds the price of everything in the store in document order", () => {
    expect(query("$.store..price", store)).toEqual([8.95, 12.99, 8.99, 22.99, 19.95]);
  });

  it("finds the third book", () => {
    expect(query("$..book[2]", store)).toEqual([moby]);
  });

  it("finds the last book with a script expression and with a slice", () => {
    expect(query("$..book[(@.length-1)]", store)).toEqual([rings]);
    expect(query("$..book[-1:]", store)).toEqual([rings]);
  });

  it("finds the first two books with a union and with a slice", () => {
    expect(query("$..book[0,1]", store)).toEqual([sayings, sword]);
    expect(query("$..book[:2]", store)).toEqual([sayings, sword]);
  });

  it("filters the books that have an isbn", () => {
    expect(query("$..book[?(@.isbn)]", store)).toEqual([moby, rings]);
  });

  it("filters the books cheaper than 10", () => {
    expect(query("$..book[?(@.price<10)]", store)).toEqual([sayings, moby]);
  });

  it("lists all 27 members of the document with $..*", () => {
    const all = query("$..*", store);
    expect(all).toHaveLength(27);
    expect(all.slice(0, 3)).toEqual([store.store, books, bicycle]);
  });

  it("returns the root itself for $", () => {
    expect(query("$", store)).toEqual([store]);
  });
});

describe("the optional leading $", () => {
  const doc = { tweets: [{ category: "x" }, { category: "y" }] };

  it("prepends $. when the expression starts with a name", () => {
    expect(query("tweets..category", doc)).toEqual(["x", "y"]);
    expect(query('tweets[?(@.category=="x")]', doc)).toEqual([{ category: "x" }]);
  });

  it("prepends $ when the expression starts with a dot or a bracket", () => {
    expect(query("..category", doc)).toEqual(["x", "y"]);
    expect(query(".tweets[1].category", doc)).toEqual(["y"]);
    expect(query("['tweets'][0]", doc)).toEqual([{ category: "x" }]);
  });
});

describe("member names and indexes", () => {
  const doc = { "a b": 1, "x.y": 2, x: { y: 3 }, "it's": 4, list: [10, 20, 30, 40, 50] };

  it("accepts quoted member names with spaces, dots and escapes", () => {
    expect(query("$['a b']", doc)).toEqual([1]);
    expect(query('$["x.y"]', doc)).toEqual([2]);
    expect(query("$.x.y", doc)).toEqual([3]);
    expect(query("$['it\\'s']", doc)).toEqual([4]);
  });

  it("selects a union of member names in the order written", () => {
    expect(query("$['x.y','a b']", doc)).toEqual([2, 1]);
  });

  it("selects a union of indexes and negative indexes from the end", () => {
    expect(query("$.list[0,2]", doc)).toEqual([10, 30]);
    expect(query("$.list[-1]", doc)).toEqual([50]);
    expect(query("$.list[-5]", doc)).toEqual([10]);
    expect(query("$.list[-6]", doc)).toEqual([]);
    expect(query("$.list[5]", doc)).toEqual([]);
  });

  it("follows Python semantics for slices", () => {
    expect(query("$.list[1:3]", doc)).toEqual([20, 30]);
    expect(query("$.list[-2:]", doc)).toEqual([40, 50]);
    expect(query("$.list[:-3]", doc)).toEqual([10, 20]);
    expect(query("$.list[::2]", doc)).toEqual([10, 30, 50]);
    expect(query("$.list[::-1]", doc)).toEqual([50, 40, 30, 20, 10]);
    expect(query("$.list[3:0:-2]", doc)).toEqual([40, 20]);
    expect(query("$.list[2:100]", doc)).toEqual([30, 40, 50]);
    expect(query("$.list[3:1]", doc)).toEqual([]);
  });

  it("applies wildcards to object values in member order and to array elements", () => {
    expect(query("$.x.*", doc)).toEqual([3]);
    expect(query("$.list[*]", doc)).toEqual([10, 20, 30, 40, 50]);
    expect(query("$.list.*", doc)).toEqual([10, 20, 30, 40, 50]);
  });

  it("applies a recursive descent index to every array", () => {
    expect(query("$..[0]", { a: [1, [2, 3]], b: { c: [4] } })).toEqual([1, 2, 4]);
  });

  it("counts only own members, never inherited ones", () => {
    expect(query("$.constructor", {})).toEqual([]);
    expect(query("$.__proto__", {})).toEqual([]);
    expect(query("$['toString']", { a: 1 })).toEqual([]);
    expect(query("$[?(@.constructor)]", [{}, { constructor: 1 }])).toEqual([{ constructor: 1 }]);
  });

  it("does not treat names as indexes or indexes as names", () => {
    expect(query("$.length", [1, 2])).toEqual([]);
    expect(query("$[0]", { 0: "zero" })).toEqual([]);
    expect(query("$['0']", { 0: "zero" })).toEqual(["zero"]);
  });

  it("returns an empty array when nothing matches", () => {
    expect(query("$.missing.deeper[0]", doc)).toEqual([]);
    expect(query("$..nothing", doc)).toEqual([]);
    expect(query("$.x.y.z", doc)).toEqual([]);
  });
});

describe("filter and script expressions", () => {
  const people = [
    { name: "Ann", age: 31, tags: ["a", "b"], admin: true },
    { name: "Bob", age: 17, tags: [] },
    { name: "Cy", age: 45, tags: ["c"], admin: false, nick: null },
  ];

  it("uses .length of strings and arrays", () => {
    expect(query("$[?(@.name.length == 3)].name", people)).toEqual(["Ann", "Bob"]);
    expect(query("$[?(@.tags.length > 0)].name", people)).toEqual(["Ann", "Cy"]);
    expect(query("$[?(@['tags'].length == 0)].name", people)).toEqual(["Bob"]);
  });

  it("combines conditions with && || and !", () => {
    expect(query("$[?(@.age > 18 && @.admin == true)].name", people)).toEqual(["Ann"]);
    expect(query("$[?(@.age < 18 || @.age > 40)].name", people)).toEqual(["Bob", "Cy"]);
    expect(query("$[?(!@.admin)].name", people)).toEqual(["Bob", "Cy"]);
    expect(query("$[?(!(@.age >= 18 && @.age <= 40))].name", people)).toEqual(["Bob", "Cy"]);
  });

  it("evaluates arithmetic with the usual precedence", () => {
    expect(query("$[?(@.age * 2 - 4 == 30)].name", people)).toEqual(["Bob"]);
    expect(query("$[?((@.age + 9) / 10 == 4)].name", people)).toEqual(["Ann"]);
    expect(query("$[?(@.age == -(-17))].name", people)).toEqual(["Bob"]);
  });

  it("compares with literals of every kind", () => {
    expect(query("$[?(@.name == 'Cy')].age", people)).toEqual([45]);
    expect(query("$[?(@.admin == false)].name", people)).toEqual(["Cy"]);
    expect(query("$[?(@.nick == null)].name", people)).toEqual(["Cy"]);
    expect(query('$[?(@.name < "B")].name', people)).toEqual(["Ann"]);
  });

  it("treats a missing member as no match, even for !=", () => {
    expect(query("$[?(@.nick == null)].name", people)).toEqual(["Cy"]);
    expect(query("$[?(@.missing.deeper > 1)]", people)).toEqual([]);
    expect(query("$[?(@.admin != true)].name", people)).toEqual(["Cy"]);
  });

  it("never coerces between types", () => {
    const values = [{ v: 1 }, { v: "1" }, { v: true }, { v: "2" }];
    expect(query("$[?(@.v == 1)]", values)).toEqual([{ v: 1 }]);
    expect(query("$[?(@.v == '1')]", values)).toEqual([{ v: "1" }]);
    expect(query("$[?(@.v < 2)]", values)).toEqual([{ v: 1 }]);
    expect(query("$[?(@.v < '2')]", values)).toEqual([{ v: "1" }]);
    expect(query("$[?(@.v + 1 == 2)]", values)).toEqual([{ v: 1 }]);
    expect(query("$[?(@.v / 0 == @.v / 0)]", values)).toEqual([]);
  });

  it("applies filters to the member values of an object", () => {
    const doc = { a: { n: 1 }, b: { n: 2 }, c: { n: 3 } };
    expect(query("$[?(@.n >= 2)]", doc)).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it("accepts member and index access on @", () => {
    const doc = [{ a: { b: [5, 6] } }, { a: { b: [7] } }];
    expect(query("$[?(@.a.b[1] == 6)]", doc)).toEqual([doc[0]]);
    expect(query("$[?(@['a']['b'][-1] == 7)]", doc)).toEqual([doc[1]]);
    expect(query("$[?(@[0] == 1)]", [[1], [2]])).toEqual([[1]]);
  });

  it("uses a string script result as a member name", () => {
    expect(query("$[('b')]", { a: 1, b: 2 })).toEqual([2]);
  });

  it("stays fast on expressions that multiply work", () => {
    expect(query("$..*..*..*", { a: { b: { c: 1 } } })).toEqual([1]);
  });
});

describe("invalid expressions", () => {
  const invalid = [
    ["an empty expression", ""],
    ["whitespace only", "   "],
    ["an unbalanced bracket", "$.a[0"],
    ["an unbalanced closing bracket", "$.a]"],
    ["a trailing dot", "$."],
    ["a lone bracket", "$["],
    ["an empty bracket", "$[]"],
    ["a dangling recursive descent", "$.."],
    ["trailing garbage", "$.a b"],
    ["a dot before a bracket", "$.['a']"],
    ["a filter with a missing operand", "$[?(@.a =)]"],
    ["a single equals sign", "$[?(@.a = 1)]"],
    ["a missing right operand", "$[?(@.a ==)]"],
    ["an unbalanced filter parenthesis", "$[?(@.a == 1]"],
    ["a function call", "$[?(@.a())]"],
    ["a method call on a literal", "$[?('x'.length)]"],
    ["this", "$[?(this.x)]"],
    ["a global identifier", "$[?(process)]"],
    ["constructor access", "$[?(constructor.constructor('x')())]"],
    ["the root inside a filter", "$[?($.a)]"],
    ["an unquoted bracket name", "$[abc]"],
    ["an unterminated string", "$['abc]"],
    ["an unknown escape", "$['a\\q']"],
    ["a fractional index", "$[1.5]"],
    ["a zero slice step", "$[::0]"],
    ["an unknown character", "$.a#b"],
    ["a wildcard inside a filter", "$[?(@.*)]"],
  ] as const;

  for (const [description, expression] of invalid) {
    it(`rejects ${description}: ${JSON.stringify(expression)}`, () => {
      expect(() => compileJsonPath(expression)).toThrow(JsonPathError);
    });
  }

  it("rejects expressions longer than 1000 characters", () => {
    const longest = `$${".a".repeat(499)}b`;
    expect(longest).toHaveLength(1000);
    expect(() => compileJsonPath(longest)).not.toThrow();
    expect(() => compileJsonPath(`${longest}c`)).toThrow(JsonPathError);
  });

  it("rejects deeply nested parentheses and negations without overflowing the stack", () => {
    expect(() => compileJsonPath(`$[?(${"(".repeat(100)}1${")".repeat(100)})]`)).toThrow(JsonPathError);
    expect(() => compileJsonPath(`$[?(${"!".repeat(100)}@)]`)).toThrow(JsonPathError);
    expect(() => compileJsonPath(`$[?(${"(".repeat(20)}1${")".repeat(20)})]`)).not.toThrow();
  });

  it("accepts long flat operator chains", () => {
    expect(query(`$[?(@ ${"+ 1 ".repeat(200)}== 201)]`, [1, 2])).toEqual([1]);
  });

  it("walks very deep documents without overflowing the stack", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(query("$..*", deep)).toHaveLength(50_000);
  });

  it("gives up with a JsonPathError instead of doing exponential work", () => {
    let chain: unknown = 0;
    for (let i = 0; i < 200; i++) chain = { a: chain };
    expect(() => query(`$${"..*".repeat(10)}`, chain)).toThrow(JsonPathError);
  });
});
