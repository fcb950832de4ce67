package demo

import (
	"fmt"
	"math/rand/v2"
)

// Small lists the generator draws invented names and places from. The
// family names are uncommon on purpose, so no combination reads like a
// particular person.
var (
	givenNames = []string{
		"Alder", "Bram", "Cass", "Dacey", "Ember", "Fenn", "Gale", "Hollis",
		"Isla", "Jory", "Kit", "Linden", "Marlo", "Nell", "Orrin", "Perry",
		"Quill", "Rowan", "Sable", "Tam", "Ula", "Vesper", "Wren", "Yarrow",
	}
	familyNames = []string{
		"Ashgrove", "Brackwater", "Cindermoor", "Dunlevy", "Elderbank", "Fernhollow",
		"Glimmerdale", "Hawkridge", "Ivywick", "Juniperlow", "Kestrelford", "Larkspur",
		"Mossbeck", "Nettlecombe", "Oakhallow", "Pebblesworth", "Quarrington", "Rushmere",
		"Sorrelby", "Thistlecroft", "Umberfield", "Vetchley", "Willowmere", "Yewbarrow",
	}
	// crownCourts sentence to custody (hence licences) and remand; every
	// court passes community and suspended sentence orders.
	crownCourts = []string{
		"Leeds Crown Court", "Sheffield Crown Court", "Manchester Crown Court (Minshull Street)",
		"Newcastle Crown Court", "Bristol Crown Court", "Inner London Crown Court",
	}
	courts = append([]string{"Leeds Magistrates' Court", "Bradford and Keighley Magistrates' Court",
		"Reading Magistrates' Court"}, crownCourts...)
	prisons = []string{"HMP Leeds", "HMP Doncaster", "HMP Manchester", "HMP Durham", "HMP Bristol", "HMP Bullingdon", "HMP Wandsworth"}
)

// pick returns a random element of list.
func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// chance reports true with probability p.
func chance(rng *rand.Rand, p float64) bool { return rng.Float64() < p }

// between returns a random int in [lo, hi].
func between(rng *rand.Rand, lo, hi int) int { return lo + rng.IntN(hi-lo+1) }

// personName returns an invented given and family name.
func personName(rng *rand.Rand) (string, string) {
	return pick(rng, givenNames), pick(rng, familyNames)
}

// dateOfBirth returns an invented date of birth for an adult aged 19 to 62.
func dateOfBirth(rng *rand.Rand, year int) string {
	return fmt.Sprintf("%04d-%02d-%02d", year-between(rng, 19, 62), between(rng, 1, 12), between(rng, 1, 28))
}
